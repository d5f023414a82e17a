#!/bin/sh
# Builds newlib (from Debian's newlib-source) once for the freestanding
# hypervisor, with the host gcc behind x86_64-elf-* names. The hypervisor
# never touches SSE/AVX registers (it is compiled -mgeneral-regs-only and
# the linked image is checked by check-no-simd.sh), so newlib is built
# without float I/O and without auto-vectorisation; anything of newlib that
# still used vector registers would fail that check at link time.
# usage: build-newlib.sh BUILD_DIR   -> BUILD_DIR/newlib/install/x86_64-elf/lib/libc.a
set -eu
build=$(realpath -m "$1/newlib")
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -f "$tarball" ] || { echo "build-newlib: $tarball missing (apt-get install newlib-source)" >&2; exit 1; }
rm -rf "$build"
mkdir -p "$build/src" "$build/wrap" "$build/obj"
for tool in gcc ar as ranlib ld nm objcopy objdump strip readelf; do
	ln -s "$(command -v $tool)" "$build/wrap/x86_64-elf-$tool"
done
ln -s "$(command -v gcc)" "$build/wrap/x86_64-elf-cc"
echo "  NEWLIB  unpacking $tarball"
tar -xJf "$tarball" -C "$build/src" --strip-components=1
cd "$build/obj"
export PATH="$build/wrap:$PATH"
flags="-O2 -g -ffreestanding -fno-stack-protector -mno-red-zone -fno-pic -mcmodel=kernel -fno-tree-vectorize"
echo "  NEWLIB  configure (log: $build/obj/build.log)"
../src/configure --target=x86_64-elf --prefix="$build/install" --disable-multilib \
	--disable-newlib-supplied-syscalls --disable-newlib-io-float \
	--disable-newlib-multithread CFLAGS_FOR_TARGET="$flags" >build.log 2>&1
echo "  NEWLIB  make (about a minute and a half on 2 cores)"
make -j"$(nproc)" all-target-newlib >>build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
make install-target-newlib >>build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
rm -rf "$build/src" "$build/obj/x86_64-elf/newlib/libc"
echo "  NEWLIB  done: $build/install/x86_64-elf/lib/libc.a"
