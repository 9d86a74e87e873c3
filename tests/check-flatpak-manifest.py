#!/usr/bin/env python3
# Checks that the flatpak manifest parses, names the application id and command
# of the build, pins a stable GNOME runtime and asks for no more than it needs.
import json
import sys

path, app_id, command = sys.argv[1:4]
with open(path, encoding="utf-8") as f:
    manifest = json.load(f)

errors = []
if manifest.get("id", manifest.get("app-id")) != app_id:
    errors.append(f"id is {manifest.get('id')!r}, the build's application id is {app_id!r}")
if manifest.get("command") != command:
    errors.append(f"command is {manifest.get('command')!r}, the build installs {command!r}")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    errors.append("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")
version = str(manifest.get("runtime-version", ""))
if not version or version in ("master", "nightly") or not version.replace(".", "").isdigit():
    errors.append(f"runtime-version {version!r} is not a pinned stable release")

args = manifest.get("finish-args", [])
for wanted in ("--share=network", "--socket=wayland", "--socket=fallback-x11", "--share=ipc",
               "--device=dri"):
    if wanted not in args:
        errors.append(f"finish-args lacks {wanted}")
for arg in args:
    if arg.startswith("--filesystem=") and arg.split("=", 1)[1].split(":")[0] in (
            "home", "host", "host-os", "host-etc"):
        errors.append(f"finish-args grants {arg}: no home or host filesystem")
    if arg in ("--socket=x11", "--device=all", "--socket=session-bus", "--socket=system-bus"):
        errors.append(f"finish-args grants {arg}, more than the app needs")

modules = manifest.get("modules", [])
if not modules or modules[-1].get("buildsystem") != "meson":
    errors.append("the last module (the app) must be built with meson")

for error in errors:
    print(f"{path}: {error}")
sys.exit(1 if errors else 0)
