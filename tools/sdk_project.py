#!/usr/bin/env python3
"""Builds a project the way a Bramble user does, outside the tree and against the installed SDK only,
then boots it under QEMU and checks what it prints (docs/sdk.md, docs/tutorial.md).

    sdk_project.py --source-root DIR --builds DIR --board rpi4|rpi3 --project DIR --image NAME
                   [--keep] -- RUNNER-ARGS...
    sdk_project.py --source-root DIR --builds DIR --board rpi4|rpi3 --system FILE.toml
                   [--keep] -- RUNNER-ARGS...
    sdk_project.py --source-root DIR --builds DIR --board rpi4|rpi3 --tutorial FILE.md
                   [--same-as DIR] [--keep] -- RUNNER-ARGS...

Everything happens in a fresh temporary directory (outside the tree):

--project: installs the SDK from the board builds (`cmake --install <builds>/rpi4` and `.../rpi3`) into
  <tmp>/sdk, copies the project to <tmp>/project, configures it with the SDK's toolchain file and
  CMAKE_PREFIX_PATH=<tmp>/sdk, builds the image target NAME-<board>, and boots <build>/NAME-<board>.img
  with tests/qemu/run_scenario.py and the RUNNER-ARGS (the patterns it must print, the scenario).

--system: the same with a project of its own holding only the description (whose programs must all
  come with the SDK: root, uart_driver, console) and one bramble_add_system_image(system-<board>).

--tutorial: turns the tutorial into one bash script and runs it in <tmp>, with BRAMBLE=<source root>
  and SDK=<tmp>/sdk in the environment. Fenced blocks whose info string is `LANG file=NAME` become
  `cat > NAME` (relative to the directory the script is in at that point); blocks marked `LANG run`
  are run as they are (`set -e`: the first failing command fails the test). Other blocks (output
  shown to the reader) are not run. A command `qemu-system-aarch64 -M <machine> -kernel <image> ...`
  in a run block boots <image> through run_scenario.py with the RUNNER-ARGS when <machine> is the
  board's, and is skipped (said so) for the other board: the reader types the commands, the test
  sends them (--send-after in RUNNER-ARGS). --same-as DIR: the files the tutorial writes that DIR has
  too must be exactly DIR's (examples/first-system is the tutorial's project).

Exits 0 only if everything built and the run printed what it must.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

MACHINES = {"rpi4": "raspi4b", "rpi3": "raspi3b"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.M | re.S)


def run(cmd, cwd=None):
    print("sdk_project: $ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, cwd=cwd).returncode


def install_sdk(builds, prefix):
    for board in MACHINES:
        build = os.path.join(builds, board)
        if not os.path.exists(os.path.join(build, "cmake_install.cmake")):
            print(f"sdk_project: no {board} build in {build} (build the board presets first)", file=sys.stderr)
            return False
        if run(["cmake", "--install", build, "--prefix", prefix]) != 0:
            return False
    return True


def runner_command(source_root, board, image, runner_args):
    runner = os.path.join(source_root, "tests", "qemu", "run_scenario.py")
    return [sys.executable, runner, "--machine", MACHINES[board], "--image", image] + runner_args


def project_mode(args, tmp):
    sdk = os.path.join(tmp, "sdk")
    if not install_sdk(args.builds, sdk):
        return 1
    project = os.path.join(tmp, "project")
    if args.system:
        os.makedirs(project)
        shutil.copy(args.system, os.path.join(project, "system.toml"))
        with open(os.path.join(project, "CMakeLists.txt"), "w", encoding="utf-8") as f:
            f.write("cmake_minimum_required(VERSION 3.25)\nproject(system LANGUAGES C CXX ASM)\n"
                    "find_package(Bramble REQUIRED)\n"
                    f"bramble_add_system_image(system-{args.board} SYSTEM system.toml BOARD {args.board})\n")
        args.image = "system"
    else:
        shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("build"))
    build = os.path.join(project, "build")
    toolchain = os.path.join(sdk, "lib", "cmake", "Bramble", "toolchain-aarch64-gcc.cmake")
    target = f"{args.image}-{args.board}"
    if run(["cmake", "-S", project, "-B", build, "-G", "Ninja", f"-DCMAKE_TOOLCHAIN_FILE={toolchain}",
            f"-DCMAKE_PREFIX_PATH={sdk}", "-DBRAMBLE_WERROR=ON"]) != 0:
        print("sdk_project: FAIL: the project does not configure against the installed SDK")
        return 1
    if run(["cmake", "--build", build, "-j2", "--target", target]) != 0:
        print("sdk_project: FAIL: the project does not build against the installed SDK")
        return 1
    image = os.path.join(build, f"{target}.img")
    return run(runner_command(args.source_root, args.board, image, args.runner_args))


def tutorial_script(text, source_root, board, runner_args):
    """The tutorial as one bash script (see the module's description)."""
    runner = " ".join(shlex.quote(c) for c in runner_command(source_root, board, "IMAGE", runner_args))
    runner = runner.replace("IMAGE", '"$image"', 1)
    out = [
        "set -euo pipefail",
        # The reader's QEMU command, booted by the test runner instead (the same machine and image).
        "qemu-system-aarch64() {",
        "  local machine='' image=''",
        "  while [ $# -gt 0 ]; do",
        "    case $1 in -M) machine=$2; shift ;; -kernel) image=$2; shift ;; esac",
        "    shift",
        "  done",
        f"  if [ \"$machine\" != {MACHINES[board]} ]; then echo \"tutorial: skipped (not {board}): $image\"; return 0; fi",
        f"  {runner}",
        "}",
    ]
    blocks = 0
    for match in FENCE.finditer(text):
        info = match.group(1).split()
        body = match.group(2)
        files = [w[len("file="):] for w in info if w.startswith("file=")]
        if files:
            marker = "BRAMBLE_TUTORIAL_EOF"
            if marker in body:
                raise ValueError(f"a block for {files[0]} contains {marker}")
            out.append(f"echo 'tutorial: writing {files[0]}'")
            out.append(f"mkdir -p \"$(dirname {shlex.quote(files[0])})\"")
            out.append(f"cat > {shlex.quote(files[0])} <<'{marker}'\n{body}{marker}")
            blocks += 1
        elif "run" in info[1:]:
            shown = "\n".join("tutorial: $ " + line for line in body.rstrip("\n").splitlines())
            out.append(f"echo {shlex.quote(shown)}")
            out.append(body)
            blocks += 1
    return "\n".join(out) + "\n", blocks


def tutorial_mode(args, tmp):
    with open(args.tutorial, encoding="utf-8") as f:
        text = f.read()
    script, blocks = tutorial_script(text, args.source_root, args.board, args.runner_args)
    if blocks == 0:
        print(f"sdk_project: FAIL: {args.tutorial} has no file= or run block")
        return 1
    path = os.path.join(tmp, "tutorial.sh")
    with open(path, "w", encoding="utf-8") as f:
        f.write(script)
    env = dict(os.environ, BRAMBLE=args.source_root, SDK=os.path.join(tmp, "sdk"))
    print(f"sdk_project: running the {blocks} blocks of {args.tutorial} in {tmp}", flush=True)
    code = subprocess.run(["bash", path], cwd=tmp, env=env).returncode
    if code != 0:
        print(f"sdk_project: FAIL: the tutorial's script failed (status {code}); it is {path}")
    if code != 0:
        return code
    if args.same_as:
        return same_files(text, tmp, args.same_as)
    return 0


def same_files(text, tmp, reference):
    """Every file the tutorial writes that `reference` also has is the same there (the tutorial shows
    the example project's files, so neither can change alone)."""
    different = 0
    for match in FENCE.finditer(text):
        for word in match.group(1).split():
            if not word.startswith("file="):
                continue
            name = word[len("file="):]
            other = os.path.join(reference, os.path.basename(name))
            if not os.path.exists(other):
                continue
            with open(other, encoding="utf-8") as f:
                if f.read() != match.group(2):
                    print(f"sdk_project: FAIL: the tutorial's {name} is not {other}")
                    different += 1
    return 1 if different else 0


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        argv, runner_args = argv[:split], argv[split + 1:]
    else:
        runner_args = []
    p = argparse.ArgumentParser(description="Build a project against the installed SDK and boot it.")
    p.add_argument("--source-root", required=True)
    p.add_argument("--builds", required=True, help="where the board presets' builds are (build/)")
    p.add_argument("--board", required=True, choices=sorted(MACHINES))
    p.add_argument("--project", help="a project directory to copy and build")
    p.add_argument("--image", help="the project's image target, without -<board>")
    p.add_argument("--system", help="a description to build alone (its programs come with the SDK)")
    p.add_argument("--tutorial", help="a tutorial whose blocks to run")
    p.add_argument("--same-as", help="with --tutorial: a directory whose files the tutorial's must equal")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args(argv)
    args.source_root = os.path.abspath(args.source_root)
    args.builds = os.path.abspath(args.builds)
    args.runner_args = runner_args
    if [bool(args.project), bool(args.system), bool(args.tutorial)].count(True) != 1 or (args.project and not args.image):
        p.error("give --project DIR --image NAME, --system FILE or --tutorial FILE")
    if args.system:
        args.system = os.path.abspath(args.system)
    tmp = tempfile.mkdtemp(prefix=f"bramble-sdk-{args.board}-")
    code = 1
    try:
        code = tutorial_mode(args, tmp) if args.tutorial else project_mode(args, tmp)
    finally:
        if args.keep or code != 0:
            print(f"sdk_project: left {tmp} for a look")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
