#!/usr/bin/env python3
"""Writes fuel.wat's cases as a script of assert_fuel commands (wasmc's own
.wast extension, issue 17): the module, then for each line

    ;; fuel EXPORT ARGS... [with FUEL] -> CONSUMED [trap MESSAGE]

the command

    (assert_fuel CONSUMED [(with FUEL)] (invoke "EXPORT" (i32.const ARG)...) ["MESSAGE"])

so that `wasmc wast -W consume-fuel` checks the same counts test/embed/fuel.c
does through the C API, from one list.

    fuel-wast.py fuel.wat fuel.wast
"""
import re
import sys


def main():
    source, target = sys.argv[1], sys.argv[2]
    text = open(source).read()
    commands = []
    for line in text.splitlines():
        match = re.match(r"\s*;; fuel (\S+)((?: -?\d+)*)(?: with (\d+))? -> (\d+)(?: trap (.*))?$", line)
        if not match:
            continue
        name, args, start, consumed, trap = match.groups()
        invoke = '(invoke "%s"%s)' % (name, "".join(" (i32.const %s)" % a for a in args.split()))
        with_fuel = " (with %s)" % start if start else ""
        message = ' "%s"' % trap if trap else ""
        commands.append("(assert_fuel %s%s %s%s)" % (consumed, with_fuel, invoke, message))
    if len(commands) < 20:
        sys.exit("fuel-wast.py: expected at least 20 fuel lines in %s, found %d" % (source, len(commands)))
    with open(target, "w") as out:
        out.write(";; Generated from %s by fuel-wast.py.\n" % source.split("/")[-1])
        out.write(text)
        out.write("\n" + "\n".join(commands) + "\n")


if __name__ == "__main__":
    main()
