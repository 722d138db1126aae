"""The property macros check their field's C type at compile time (issue 13, item 9:
DEFINE_PROP_INT wrote 8 bytes into an `int`). Compile small files against include/ and
check that each macro accepts its own type and refuses a wrong one with a clear message."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]

SOURCE = """
#include "qom/object.h"
typedef struct S {{
    Object parent;
    {ctype} field;
}} S;
static const Property props[] = {{ {macro}, DEFINE_PROP_END }};
const Property *get(void) {{ return props; }}
"""

# (macro, the field type it stores, a type it must refuse)
CASES = [
    ('DEFINE_PROP_BOOL("p", S, field, 0)', "bool", "int"),
    ('DEFINE_PROP_INT("p", S, field, 0)', "int64_t", "int"),
    ('DEFINE_PROP_INT("p", S, field, 0)', "int64_t", "uint64_t"),
    ('DEFINE_PROP_UINT32("p", S, field, 0)', "uint32_t", "uint64_t"),
    ('DEFINE_PROP_SIZE("p", S, field, 0)', "uint64_t", "uint32_t"),
    ('DEFINE_PROP_STRING("p", S, field)', "char *", "const char *"),
    ('DEFINE_PROP_LINK("p", S, field, "t")', "Object *", "void *"),
    ('DEFINE_PROP("p", PROP_INT, S, field, .description = "d")', "int64_t", "int"),
]


def compile_c(cc, tmp_path, macro, ctype):
    src = tmp_path / "prop.c"
    src.write_text(SOURCE.format(macro=macro, ctype=ctype))
    return subprocess.run([cc, "-std=gnu17", "-D_GNU_SOURCE", "-fsyntax-only", "-Wall",
                           "-I", os.path.join(ROOT, "include"), str(src)],
                          capture_output=True, text=True)


@pytest.mark.parametrize("cc", COMPILERS)
@pytest.mark.parametrize("macro, good, bad", CASES)
def test_property_field_type_checked(cc, tmp_path, macro, good, bad):
    proc = compile_c(cc, tmp_path, macro, good)
    assert proc.returncode == 0, proc.stderr
    proc = compile_c(cc, tmp_path, macro, bad)
    assert proc.returncode != 0
    assert "property field S.field must be" in proc.stderr, proc.stderr
