#!/usr/bin/env bash
# The SDK as a plugin author meets it: install vigil into a prefix, build
# sdk/examples out of tree with plain make and pkg-config, and check that
# the installed vigil loads the result.
set -u

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

for tool in make cc pkg-config realpath; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found" >&2; exit 77; }
done
: "${VIGIL_SOURCE_DIR:?}" "${VIGIL_BINARY_DIR:?}"

tmp=$(mktemp -d /tmp/vigil-sdk-test.XXXXXX) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

# -- install ---------------------------------------------------------------------------------------
cmake --install "$VIGIL_BINARY_DIR" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install"; }
[ -x "$prefix/bin/vigil" ] || fail "no installed binary at $prefix/bin/vigil"
[ -f "$prefix/include/vigil/plugin.h" ] || fail "no installed header"

# The libdir may be lib, lib64 or lib/<multiarch>.
pc=""
for f in "$prefix"/lib*/pkgconfig/vigil-sdk.pc "$prefix"/lib/*/pkgconfig/vigil-sdk.pc; do
  [ -f "$f" ] && pc=$f && break
done
[ -n "$pc" ] || fail "vigil-sdk.pc not installed under $prefix/lib*"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
export PKG_CONFIG_PATH="$pcdir"

# -- the .pc values --------------------------------------------------------------------------------
want_version=$(sed -n 's/^project(vigil VERSION \([0-9.]*\).*/\1/p' \
  "$VIGIL_SOURCE_DIR/CMakeLists.txt")
got_version=$(pkg-config --modversion vigil-sdk) || fail "pkg-config cannot read $pc"
[ "$got_version" = "$want_version" ] || fail "Version: got '$got_version', want '$want_version'"

pkg-config --print-requires vigil-sdk | grep -qw libuv || fail "vigil-sdk.pc does not require libuv"

cflags=$(pkg-config --cflags vigil-sdk)
incdir=${cflags#-I}
incdir=${incdir%% *}
[ "$(realpath -m "$incdir")" = "$(realpath "$prefix/include")" ] ||
  fail "Cflags '$cflags' do not point at $prefix/include"

plugindir=$(pkg-config --variable=plugindir vigil-sdk)
[ -n "$plugindir" ] || fail "no plugindir variable"
[ "$(realpath -m "$plugindir")" = "$(realpath -m "$libdir/vigil/plugins")" ] ||
  fail "plugindir '$plugindir' is not $libdir/vigil/plugins"

# -- build the examples out of tree ----------------------------------------------------------------
cp -r "$VIGIL_SOURCE_DIR/sdk/examples" "$tmp/ex"
rm -f "$tmp/ex"/*.so
make -C "$tmp/ex" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; fail "make"; }
for so in source_hello.so sink_count.so; do
  [ -f "$tmp/ex/$so" ] || fail "make did not produce $so"
  if command -v nm >/dev/null; then
    # Hidden visibility: the entry point is the only vigil symbol exported.
    exported=$(nm -D --defined-only "$tmp/ex/$so" | awk '$2 == "T" { print $3 }')
    [ "$exported" = "vigil_plugin_entry" ] || fail "$so exports: $exported"
  fi
done

make -C "$tmp/ex" install DESTDIR="$tmp/stage" >"$tmp/install-ex.log" 2>&1 ||
  { cat "$tmp/install-ex.log" >&2; fail "make install"; }
for so in source_hello.so sink_count.so; do
  [ -f "$tmp/stage$plugindir/$so" ] || fail "make install left no $so in $tmp/stage$plugindir"
done

# -- the loader accepts them (without the CLI) -----------------------------------------------------
lister="$VIGIL_BINARY_DIR/tests/plugins/vigil_test_plugin_list"
[ -x "$lister" ] || fail "$lister not built"
"$lister" "$tmp/ex" >"$tmp/list.out" 2>&1 || { cat "$tmp/list.out" >&2; fail "loader refused"; }
abi="ABI [0-9]+\.[0-9]+"
grep -Eq "^  hello +source +1\.0\.0 +$abi  $tmp/ex/source_hello\.so" "$tmp/list.out" ||
  { cat "$tmp/list.out" >&2; fail "source_hello not listed"; }
grep -Eq "^  count +sink +1\.0\.0 +$abi  $tmp/ex/sink_count\.so" "$tmp/list.out" ||
  { cat "$tmp/list.out" >&2; fail "sink_count not listed"; }

# -- the installed vigil loads them ----------------------------------------------------------------
"$prefix/bin/vigil" plugins --plugin-dir "$tmp/ex" >"$tmp/cli.out" 2>&1 ||
  { cat "$tmp/cli.out" >&2; fail "installed 'vigil plugins --plugin-dir' failed"; }
grep -Eq "^  hello +source .*$tmp/ex/source_hello\.so" "$tmp/cli.out" ||
  { cat "$tmp/cli.out" >&2; fail "vigil plugins: source_hello not listed"; }
grep -Eq "^  count +sink .*$tmp/ex/sink_count\.so" "$tmp/cli.out" ||
  { cat "$tmp/cli.out" >&2; fail "vigil plugins: sink_count not listed"; }
if grep -q "^  !  $tmp/ex/" "$tmp/cli.out"; then
  cat "$tmp/cli.out" >&2
  fail "vigil plugins refused an example"
fi

echo "ok: SDK examples build against the installed SDK and load"
