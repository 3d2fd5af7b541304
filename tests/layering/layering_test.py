#!/usr/bin/env python3
"""The layers hold by a check, not by discipline (docs/ARCHITECTURE.md, "Layers").

Every project source file belongs to an area; an area may include the headers of its own area and of the areas
below it in LAYERS, never of an area above it. The order is the one the top-level CMakeLists.txt builds the areas
in (a target may only link targets below it). Tests, tools and benchmarks are outside the layers and may include
anything. Fails with every offending file, line and include.
"""
import os
import re
import sys

# Lowest first. Adapters are ordered as they may use each other: ads and sellercloud use amazon's LWA and account
# pieces; none of them uses soap, and soap uses none of them.
LAYERS = [
    "daemon/common",
    "daemon/net",
    "daemon/settlement",
    "qbxml",
    "daemon/domain",
    "daemon/store",
    "daemon/posting",
    "soap",
    "daemon/amazon",
    "daemon/ads",
    "daemon/sellercloud",
    "daemon/admin",
    "daemon/app",
]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def area_of(path):
    """The area a repository-relative path belongs to (longest matching folder), or None."""
    best = None
    for area in LAYERS:
        if path == area or path.startswith(area + "/"):
            if best is None or len(area) > len(best):
                best = area
    return best


def check(root, counts=None):
    problems = []
    for area in LAYERS:
        folder = os.path.join(root, area)
        if not os.path.isdir(folder):
            continue
        rank = LAYERS.index(area)
        for dirpath, _dirs, files in os.walk(folder):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp", ".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if area_of(rel) != area:
                    continue  # a deeper area's own folder is checked under that area
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = area_of(m.group(1))
                        if counts is not None:
                            counts[0] += 1
                        if target is not None and LAYERS.index(target) > rank:
                            problems.append(f"{rel}:{number}: {area} includes {m.group(1)} of the higher layer {target}")
    return problems


def self_test():
    """The checker itself must be able to fail: a planted upward include is found."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "daemon/settlement"))
        os.makedirs(os.path.join(root, "daemon/store"))
        with open(os.path.join(root, "daemon/settlement/bad.cpp"), "w") as f:
            f.write('#include "daemon/common/text.hpp"\n#include "daemon/store/store.hpp"\n')
        with open(os.path.join(root, "daemon/store/good.cpp"), "w") as f:
            f.write('#include "daemon/settlement/model.hpp"\n#include "daemon/common/json.hpp"\n')
        found = check(root)
        assert found == ["daemon/settlement/bad.cpp:2: daemon/settlement includes daemon/store/store.hpp of the higher "
                         "layer daemon/store"], found


def main():
    self_test()
    root = os.environ.get("SETTLEBRIDGE_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
    counts = [0]
    problems = check(os.path.abspath(root), counts)
    for p in problems:
        print(p)
    if counts[0] == 0:
        print(f"no project include found below {root}: wrong folder?")
        return 1
    if problems:
        print(f"{len(problems)} upward includes: a lower layer must not include a higher one")
        return 1
    print(f"layers hold: {counts[0]} project includes in {len(LAYERS)} areas checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
