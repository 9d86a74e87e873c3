#!/usr/bin/env python3
# Checks that the flatpak manifest parses, names the application id and command
# of the build, pins a stable GNOME runtime and asks for no more than it needs,
# bundles the libraries the runtime lacks (the names after the command) and
# builds them from pinned sources, so that a build is the same build offline.
import json
import re
import sys

path, app_id, command = sys.argv[1:4]
bundled = sys.argv[4:]
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

names = [module.get("name") for module in modules if isinstance(module, dict)]
if len(names) != len(modules) or None in names:
    errors.append("every module must be an object with a name (no module files)")
for name in sorted({n for n in names if names.count(n) > 1 and n is not None}):
    errors.append(f"module {name!r} appears more than once")
for name in bundled:
    if name not in names[:-1]:
        errors.append(f"no module builds {name!r}, which the app needs and the runtime lacks")

BUILDSYSTEMS = ("autotools", "cmake", "cmake-ninja", "meson", "simple", "qmake")
for module in modules[:-1]:
    if not isinstance(module, dict):
        continue
    name = module.get("name")
    if module.get("buildsystem", "autotools") not in BUILDSYSTEMS:
        errors.append(f"module {name!r}: unknown buildsystem {module.get('buildsystem')!r}")
    sources = module.get("sources", [])
    if not sources:
        errors.append(f"module {name!r} has no sources")
    for source in sources:
        kind = source.get("type")
        if kind in ("archive", "file"):
            if not source.get("url", "").startswith("https://"):
                errors.append(f"module {name!r}: {kind} source needs an https url")
            if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
                errors.append(f"module {name!r}: {kind} source is not pinned by sha256")
        elif kind == "git":
            if not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
                errors.append(f"module {name!r}: git source is not pinned to a commit")
        elif kind != "patch":
            errors.append(f"module {name!r}: {kind!r} source; only the app builds from a dir")

for error in errors:
    print(f"{path}: {error}")
sys.exit(1 if errors else 0)
