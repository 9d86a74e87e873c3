# Agent Desk: `make run` and `make test` set up a fresh Debian 12 machine,
# build with meson and run the app or every test suite.

BUILDDIR      ?= build
ASAN_BUILDDIR ?= build-asan
BENCH_BUILDDIR ?= build-release
MESON_FLAGS   ?=
XVFB          := xvfb-run -a -s "-screen 0 1600x1000x24 -nolisten tcp"

DEBIAN_PACKAGES := \
	meson ninja-build pkg-config gcc gettext git \
	libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev \
	libjson-glib-dev libsqlite3-dev libsecret-1-dev libxml2-dev libcmark-dev \
	desktop-file-utils appstream clang-format python3 python3-yaml python3-jsonschema \
	xvfb xauth dbus dbus-x11 adwaita-icon-theme fonts-cantarell fonts-noto-cjk \
	librsvg2-common libgdk-pixbuf2.0-bin imagemagick

.PHONY: all deps build run test test-normal test-asan bench clean

all: build

# Installs only what is missing, so the second run costs a dpkg query.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILDDIR)/build.ninja: | deps
	meson setup $(BUILDDIR) -Dwerror=true $(MESON_FLAGS)

$(ASAN_BUILDDIR)/build.ninja: | deps
	meson setup $(ASAN_BUILDDIR) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dbuildtype=debug $(MESON_FLAGS)

$(BENCH_BUILDDIR)/build.ninja: | deps
	meson setup $(BENCH_BUILDDIR) --buildtype=release $(MESON_FLAGS)

build: deps $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

run: build
	GSETTINGS_SCHEMA_DIR=$(BUILDDIR)/data AGENT_DESK_LOCALEDIR=$(CURDIR)/$(BUILDDIR)/po \
	  $(BUILDDIR)/app/agent-desk --demo

test: deps $(BUILDDIR)/build.ninja $(ASAN_BUILDDIR)/build.ninja
	@rc=0; \
	meson compile -C $(BUILDDIR) || rc=1; \
	[ $$rc = 0 ] && { $(XVFB) dbus-run-session -- meson test -C $(BUILDDIR) --print-errorlogs --num-processes 2 || rc=1; }; \
	meson compile -C $(ASAN_BUILDDIR) || rc=1; \
	$(XVFB) dbus-run-session -- meson test -C $(ASAN_BUILDDIR) --print-errorlogs --num-processes 2 \
	  --no-suite lint --no-suite data || rc=1; \
	/usr/bin/python3 tests/summarize-testlog.py $(BUILDDIR) $(ASAN_BUILDDIR) || rc=1; \
	exit $$rc

bench: deps $(BENCH_BUILDDIR)/build.ninja
	meson compile -C $(BENCH_BUILDDIR)
	@for bench in $(BENCH_BUILDDIR)/tests/bench/bench-*; do \
	  [ -f "$$bench" ] && [ -x "$$bench" ] || continue; \
	  echo "# $$(basename $$bench)"; \
	  GSETTINGS_SCHEMA_DIR=$(BENCH_BUILDDIR)/data GSETTINGS_BACKEND=memory \
	    $(XVFB) dbus-run-session -- "$$bench" $(CURDIR)/$(BENCH_BUILDDIR)/app/server/agent-desk-server || exit 1; \
	done

clean:
	rm -rf $(BUILDDIR) $(ASAN_BUILDDIR) $(BENCH_BUILDDIR)
