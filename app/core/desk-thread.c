/* desk-thread.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-thread"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "desk-thread.h"

/* How much lower a worker's priority is than the main thread's. */
#define WORKER_NICENESS 10

/* A worker thread that searches as the agent types gives way to the main
 * thread, which draws the results: on two cores, a search that takes one
 * and the X server the other left the main thread waiting 10 to 20 ms for
 * a core. On Linux a nice value is the calling thread's own; done once a
 * thread (GTask's threads are reused), and a thread that cannot is left as
 * it is. */
void
desk_thread_give_way (void)
{
  static GPrivate given_way;

  if (g_private_get (&given_way) != NULL)
    return;
  g_private_set (&given_way, GINT_TO_POINTER (1));

#ifdef __linux__
  {
    pid_t tid = (pid_t) syscall (SYS_gettid);
    int   nice = getpriority (PRIO_PROCESS, tid);

    if (setpriority (PRIO_PROCESS, tid, MIN (nice + WORKER_NICENESS, 19)) != 0)
      g_debug ("Could not lower a worker's priority: %s", g_strerror (errno));
  }
#endif
}
