#!/usr/bin/env bash
# kpatch-build/fix-lines: synthetic patches in, the exact rewritten patch out
# (every unchanged line keeps its original number through "#line N"), and a
# compile check: a file patched with a blank line above a function that uses
# __LINE__ gives, after the rewrite, an object whose .text is byte-identical
# to the unpatched one (and without the rewrite it is not).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
FIX=$TOPDIR/kpatch-build/fix-lines

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/tmp"
export TMPDIR=$T/tmp	# fix-lines' own temporary directories go there
plan 17

# expect ID DESCRIPTION PATCH...: fix-lines' output for the tree $T/tree
# equals stdin (the expected patch); its notes go to $T/ID.notes
expect() {
	local id=$1 desc=$2 out rc d
	shift 2
	out=$(cd "$T" && "$FIX" tree "$@" 2>"$T/$id.notes")
	rc=$?
	d=$(diff <(cat) <(printf '%s\n' "$out"))
	[ $rc -eq 0 ] && [ -z "$d" ]
	ok $? "$desc" || diag "exit $rc; < expected, > got:"$'\n'"$d"$'\n'"$(cat "$T/$id.notes")"
}

mkdir -p "$T/tree/d"
cat >"$T/tree/d/w.c" <<'EOF'
#include "w.h"

static int count;

int first(int a)
{
	return a + 1;
}

int second(int a)
{
	WARN(a > 3);
	return a * 2;
}
EOF
cp "$T/tree/d/w.c" "$T/w.c.orig"

# 1. a blank line near the top: one directive after it
cat >"$T/blank.patch" <<'EOF'
--- a/d/w.c
+++ b/d/w.c
@@ -1,6 +1,7 @@
 #include "w.h"
 
+
 static int count;
 
 int first(int a)
EOF
expect blank "a blank line: the next line gets its number back" blank.patch <<'EOF'
--- a/d/w.c
+++ b/d/w.c
@@ -1,5 +1,7 @@
 #include "w.h"
 
+
+#line 3
 static int count;
 
 int first(int a)
EOF

# 2. lines removed, lines replaced one by one (no shift: no directive), end
#    of file (nothing follows: no directive)
cat >"$T/mixed.patch" <<'EOF'
--- a/d/w.c
+++ b/d/w.c
@@ -1,7 +1,5 @@
 #include "w.h"
 
-static int count;
-
 int first(int a)
 {
 	return a + 1;
@@ -11,4 +9,6 @@
 {
 	WARN(a > 3);
-	return a * 2;
+	return a * 3;
 }
+
+int third(void) { return 3; }
EOF
expect mixed "removed lines, a same-size replacement, additions at the end of file" mixed.patch <<'EOF'
--- a/d/w.c
+++ b/d/w.c
@@ -1,7 +1,6 @@
 #include "w.h"
 
-static int count;
-
+#line 5
 int first(int a)
 {
 	return a + 1;
@@ -10,5 +9,7 @@
 int second(int a)
 {
 	WARN(a > 3);
-	return a * 2;
+	return a * 3;
 }
+
+int third(void) { return 3; }
EOF

# 3. the change ends inside a multi-line macro and a multi-line comment
cat >"$T/tree/d/m.c" <<'EOF'
/* top */
#define LONG(x) \
	do { \
		g(x); \
	} while (0)
/*
 * a comment
 */
int f(void)
{
	return __LINE__;
}
EOF
cat >"$T/macro.patch" <<'EOF'
--- a/d/m.c
+++ b/d/m.c
@@ -1,6 +1,7 @@
 /* top */
 #define LONG(x) \
 	do { \
+		h(x); \
 		g(x); \
 	} while (0)
 /*
@@ -6,4 +7,5 @@
 /*
  * a comment
+ * more
  */
 int f(void)
EOF
expect macro "a change inside a macro definition and a comment: the directive follows them" macro.patch <<'EOF'
--- a/d/m.c
+++ b/d/m.c
@@ -1,11 +1,15 @@
 /* top */
 #define LONG(x) \
 	do { \
+		h(x); \
 		g(x); \
 	} while (0)
+#line 6
 /*
  * a comment
+ * more
  */
+#line 9
 int f(void)
 {
 	return __LINE__;
EOF
grep -q 'd/m.c: lines 4-5 (original numbering) inside a comment or a multi-line macro/string after a change: the #line directive follows them' "$T/macro.notes" &&
	grep -q 'd/m.c: line 8 (original numbering) inside a comment' "$T/macro.notes"
ok $? "the lines the directive could not precede are noted" || diag_file "$T/macro.notes"

# 4. a string continued with '\' and a comment opened in a line of code
cat >"$T/tree/d/s.c" <<'EOF'
const char *s = "one\
two";
int x; /* starts here
ends here */ int y;
int z = __LINE__;
EOF
cat >"$T/string.patch" <<'EOF'
--- a/d/s.c
+++ b/d/s.c
@@ -1,4 +1,5 @@
 const char *s = "one\
+more\
 two";
 int x; /* starts here
 ends here */ int y;
EOF
expect string "a continued string: the directive goes after it, and not into a comment" string.patch <<'EOF'
--- a/d/s.c
+++ b/d/s.c
@@ -1,5 +1,7 @@
 const char *s = "one\
+more\
 two";
+#line 3
 int x; /* starts here
 ends here */ int y;
 int z = __LINE__;
EOF

# 5. conditional blocks: a directive in a branch the compiler may skip is
#    repeated after the #else and the #endif
cat >"$T/tree/d/c.c" <<'EOF'
int h(int a)
{
#ifdef CONFIG_X
	a++;
#else
	a--;
#endif
	WARN(a);
	return a;
}
EOF
cat >"$T/cond.patch" <<'EOF'
--- a/d/c.c
+++ b/d/c.c
@@ -2,5 +2,6 @@
 {
 #ifdef CONFIG_X
 	a++;
+	a += 2;
 #else
 	a--;
 #endif
EOF
expect cond "a change inside #ifdef: directives after #else and #endif too" cond.patch <<'EOF'
--- a/d/c.c
+++ b/d/c.c
@@ -2,9 +2,13 @@
 {
 #ifdef CONFIG_X
 	a++;
+	a += 2;
+#line 5
 #else
+#line 6
 	a--;
 #endif
+#line 8
 	WARN(a);
 	return a;
 }
EOF

# 6. several files in one patch (a header, a .c, a non-C file passed
#    through), a new file, and a second patch on the same file: one combined
#    patch against the original tree
printf '#ifndef W_H\n#define W_H\n#define WARN(c) warn_at(c, __LINE__)\nvoid warn_at(int, int);\n#endif\n' >"$T/tree/d/w.h"
printf 'obj-y += w.o\n' >"$T/tree/d/Makefile"
cat >"$T/multi.patch" <<'EOF'
--- a/d/w.h
+++ b/d/w.h
@@ -1,5 +1,6 @@
 #ifndef W_H
 #define W_H
+/* warn */
 #define WARN(c) warn_at(c, __LINE__)
 void warn_at(int, int);
 #endif
--- a/d/Makefile
+++ b/d/Makefile
@@ -1 +1,2 @@
 obj-y += w.o
+obj-y += n.o
--- /dev/null
+++ b/d/n.c
@@ -0,0 +1 @@
+int n;
--- a/d/w.c
+++ b/d/w.c
@@ -1,6 +1,7 @@
 #include "w.h"
 
+
 static int count;
 
 int first(int a)
EOF
cat >"$T/second.patch" <<'EOF'
--- a/d/w.c
+++ b/d/w.c
@@ -8,6 +8,7 @@
 }
 
 int second(int a)
+/* second */
 {
 	WARN(a > 3);
 	return a * 2;
EOF
expect multi "several files and two patches: one combined patch" multi.patch second.patch <<'EOF'
--- a/d/w.h
+++ b/d/w.h
@@ -1,5 +1,7 @@
 #ifndef W_H
 #define W_H
+/* warn */
+#line 3
 #define WARN(c) warn_at(c, __LINE__)
 void warn_at(int, int);
 #endif
--- a/d/Makefile
+++ b/d/Makefile
@@ -1 +1,2 @@
 obj-y += w.o
+obj-y += n.o
--- /dev/null
+++ b/d/n.c
@@ -0,0 +1 @@
+int n;
--- a/d/w.c
+++ b/d/w.c
@@ -1,5 +1,7 @@
 #include "w.h"
 
+
+#line 3
 static int count;
 
 int first(int a)
@@ -8,6 +10,8 @@
 }
 
 int second(int a)
+/* second */
+#line 11
 {
 	WARN(a > 3);
 	return a * 2;
EOF

# 7. the rewritten patch applies to the tree exactly, and reverts
cp -r "$T/tree" "$T/tree2"
(cd "$T" && "$FIX" tree multi.patch second.patch 2>/dev/null) >"$T/combined.patch"
patch -d "$T/tree2" -p1 -N --silent <"$T/combined.patch" &&
	[ "$(grep -c '^#line' "$T/tree2/d/w.c")" -eq 2 ] &&
	patch -d "$T/tree2" -p1 -R --silent <"$T/combined.patch" &&
	[ ! -e "$T/tree2/d/n.c" ] && diff -r "$T/tree" "$T/tree2" >/dev/null
ok $? "the combined patch applies without fuzz and reverts to the original"

# 8. a missing newline at the end of the file stays missing
printf 'int a;\nint b = __LINE__;' >"$T/tree/d/nonl.c"
cat >"$T/nonl.patch" <<'EOF'
--- a/d/nonl.c
+++ b/d/nonl.c
@@ -1,2 +1,3 @@
+
 int a;
 int b = __LINE__;
\ No newline at end of file
EOF
expect nonl "no newline at the end of the file" nonl.patch <<'EOF'
--- a/d/nonl.c
+++ b/d/nonl.c
@@ -1,2 +1,4 @@
+
+#line 1
 int a;
 int b = __LINE__;
\ No newline at end of file
EOF

# 9. errors; the tree is never modified
cat >"$T/bad.patch" <<'EOF'
--- a/d/w.c
+++ b/d/w.c
@@ -1,3 +1,3 @@
 #include "w.h"
-static int nothing;
+static int something;
 
EOF
out=$(cd "$T" && "$FIX" tree bad.patch 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q 'fix-lines: bad.patch does not apply' <<<"$out"
ok $? "a patch that does not apply: exit 1 and the patch is named" || diag "exit $rc: $out"
cmp -s "$T/tree/d/w.c" "$T/w.c.orig" && [ ! -e "$T/tree/d/n.c" ] &&
	[ -z "$(find "$T/tree" -name '*.orig' -o -name '*.rej')" ]
ok $? "the tree is not modified"
"$FIX" "$T/tree" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "usage error: exit 2"
[ -z "$(ls -A "$T/tmp")" ]
ok $? "no temporary directory left behind" || diag "$(ls -A "$T/tmp")"

# 10. compile check: a function using __LINE__ (WARN-like) below the blank
#     line has the same .text as the original after the rewrite
if ! command -v gcc >/dev/null; then
	for _ in 1 2 3 4; do ok 0 "# SKIP no gcc"; done
	exit 0
fi
cat >"$T/warn.h" <<'EOF'
void warn_slowpath(const char *file, int line);
#define WARN(c) ({ int __c = !!(c); if (__c) warn_slowpath(__FILE__, __LINE__); __c; })
EOF
cp "$T/warn.h" "$T/tree/d/w.h"
text() {	# text PATCH OUT: d/w.c of the tree with PATCH ("": none) compiled, its .text into $T/OUT
	rm -rf "$T/cc" && cp -r "$T/tree" "$T/cc"
	[ -z "$1" ] || patch -d "$T/cc" -p1 -N --silent <"$1" || return 1
	(cd "$T/cc/d" && gcc -O2 -c -o w.o w.c) &&
		objcopy -O binary --only-section=.text "$T/cc/d/w.o" "$T/$2" && [ -s "$T/$2" ]
}
text "" orig.text
ok $? "the original compiles"
text "$T/blank.patch" plain.text
! cmp -s "$T/orig.text" "$T/plain.text"
ok $? "without the rewrite, a blank line changes .text (the __LINE__ immediate)"
(cd "$T" && "$FIX" tree blank.patch 2>/dev/null) >"$T/blank.fixed"
text "$T/blank.fixed" fixed.text && cmp "$T/orig.text" "$T/fixed.text"
ok $? "with the rewrite, .text is byte-identical to the original"
(cd "$T" && "$FIX" tree mixed.patch 2>/dev/null) >"$T/mixed.fixed"
text "$T/mixed.fixed" mixed.text && ! cmp -s "$T/orig.text" "$T/mixed.text" &&
	objdump -d "$T/cc/d/w.o" | grep -q 'lea .*,2),'  # a * 3
ok $? "a real change still changes .text (a * 3)"
[ "$TAP_FAILED" -eq 0 ]
