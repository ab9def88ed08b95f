# Host side: builds what a guest needs (sourced by tests/vm/run).
# Expects: ROOT (source tree), BUILD (build dir), VM (tests/vm).

# Serialises builds of shared outputs between runs in parallel.
with_lock() {
	local lock=$1
	shift
	mkdir -p "$BUILD/locks"
	(flock 9 && "$@") 9>"$BUILD/locks/$lock"
}

# Our modules and the test modules for kernel KREL.
build_modules() {
	local krel=$1 kdir m
	kdir=$("$VM/kernels" kdir "$krel")
	make -s -C "$ROOT" modules KERNELRELEASE="$krel" KDIR="$kdir"
	for m in "$VM"/modules/*/; do
		[ -d "$m" ] || continue
		m=$(basename "$m")
		mkdir -p "$BUILD/testmodules/$krel/$m"
		cp -a --update "$VM/modules/$m/." "$BUILD/testmodules/$krel/$m/"
		make -s -C "$kdir" M="$BUILD/testmodules/$krel/$m" \
			CONFIG_DEBUG_INFO_BTF_MODULES= modules
	done
}

# Our modules for kernel KREL built with "make QR_ABI_BUMP=1": they answer
# their ABI version plus 1, which the command must refuse. In a copy of
# their own, for scenarios with QR_ABI_BUMPED=1 only.
build_abi_bumped_modules() {
	local krel=$1 kdir dir=$BUILD/modules-abi-bump/$1
	kdir=$("$VM/kernels" kdir "$krel")
	mkdir -p "$dir"
	cp -a --update "$ROOT/modules/." "$dir/"
	make -s -C "$dir" KVER="$krel" KDIR="$kdir" QR_ABI_BUMP=1 \
		>"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; return 1; }
}

# Puts the bumped modules of KREL in the guest's /lib/qr/abi-bump/KREL/,
# outside /lib/modules (modprobe and depmod see only the right ones): a
# scenario loads one with insmod.
stage_abi_bumped() {
	local stage=$1 krel=$2
	with_lock "modules-abi-bump-$krel" build_abi_bumped_modules "$krel" || return 1
	mkdir -p "$stage/lib/qr/abi-bump/$krel"
	cp "$BUILD/modules-abi-bump/$krel"/*/*.ko "$stage/lib/qr/abi-bump/$krel/"
}

# The userspace and the statically linked test programs.
build_userspace() {
	local p
	make -s -C "$ROOT/userspace"
	mkdir -p "$BUILD/progs"
	for p in "$VM"/progs/*.c "$ROOT"/tests/bench/*.c; do
		[ -e "$p" ] || continue
		[ "$BUILD/progs/$(basename "$p" .c)" -nt "$p" ] && continue
		gcc -static -O2 -Wall -Wextra -Werror -I"$ROOT/modules/include/uapi" -o \
			"$BUILD/progs/$(basename "$p" .c)" "$p" -lpthread
	done
}

# Copies a dynamically linked program and the libraries ldd lists. With
# LIBROOT, libraries found under it (an unpacked package, on
# LD_LIBRARY_PATH) go where the package would have installed them.
stage_binary() {
	local stage=$1 bin=$2 dest=$3 libroot=${4:-} lib at
	install -D -m 755 "$bin" "$stage$dest"
	if ldd "$bin" | grep 'not found'; then
		echo "stage_binary: $bin: libraries missing" >&2
		return 1
	fi
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		at=${libroot:+${lib#"$libroot"}}
		at=${at:-$lib}
		[ -e "$stage$at" ] || install -D -m 755 "$lib" "$stage$at"
	done
}

# Kernel modules that the guest loads from the distribution's kernel.
GUEST_KMODS="virtio_pci virtio_blk virtio_net ext4 crc32c_generic brd zram unix_diag
	tcp_diag"
# CRIU collects sockets through the diag modules and refuses to start
# without nf_tables (its kernel probe); tun and veth answer more probes.
CRIU_KMODS="unix_diag inet_diag tcp_diag udp_diag netlink_diag af_packet_diag
	nf_tables tun veth"

stage_kernel() {
	local stage=$1 krel=$2 kroot dst f m dep deps
	kroot=$("$VM/kernels" root "$krel")
	dst=$stage/lib/modules/$krel
	install -D -m 644 "$kroot/boot/vmlinuz-$krel" "$stage/boot/vmlinuz-$krel"
	mkdir -p "$dst/updates" "$dst/extra" "$dst/kernel"
	cp "$BUILD/modules/$krel"/*/*.ko "$dst/updates/"
	cp "$BUILD/testmodules/$krel"/*/*.ko "$dst/extra/" 2>/dev/null || true
	# Distribution modules: ours' dependencies and those the guest needs.
	[ -e "$kroot/lib/modules/$krel/modules.dep" ] ||
		with_lock "depmod-$krel" depmod -b "$kroot" "$krel"
	deps=$(for m in $GUEST_KMODS ${CRIU_ROOT:+$CRIU_KMODS} $(for f in "$dst"/updates/*.ko "$dst"/extra/*.ko; do
			[ -e "$f" ] && modinfo -F depends "$f" | tr ',' ' '
		done); do
		modprobe -d "$kroot" -S "$krel" --show-depends "$m" 2>/dev/null ||
			{ echo "build: kernel $krel has no module $m" >&2; exit 1; }
	done) || return 1
	echo "$deps" | sed -n 's/^insmod \([^ ]*\).*/\1/p' | sort -u | while read -r f; do
		dep=$dst/kernel/$(basename "$f")
		case $f in
		*.xz) xz -dc "$f" >"${dep%.xz}" ;;
		*.zst) zstd -qdc "$f" >"${dep%.zst}" ;;
		*) cp "$f" "$dep" ;;
		esac
	done
	cp "$kroot/lib/modules/$krel"/modules.{order,builtin}* "$dst/" 2>/dev/null || true
	depmod -b "$stage" "$krel"
}

# Builds the guest's initramfs for SCENARIO with kernels OLD and NEW into OUT
# (the harness's and the layout's command line: BASE_APPEND, LAYOUT_APPEND;
# QR_HOPS and QR_DISK as the scenario and its family's settings make them).
build_initramfs() {
	local scenario=$1 old=$2 new=$3 out=$4 stage app
	stage=$(mktemp -d "$BUILD/stage.XXXXXX")
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc/qr,lib/qr,dev,proc,sys,tmp,run,mnt}
	mknod -m 600 "$stage/dev/console" c 5 1
	install -m 755 "$BUSYBOX" "$stage/bin/busybox"
	for app in $("$BUSYBOX" --list); do
		[ "$app" = busybox ] || ln -s busybox "$stage/bin/$app"
	done
	# The kernel's request_module() runs /sbin/modprobe.
	ln -s ../bin/busybox "$stage/sbin/modprobe"
	stage_binary "$stage" "$(command -v kexec)" /sbin/kexec
	stage_binary "$stage" "$ROOT/userspace/quickreboot" /usr/sbin/quickreboot
	for app in mke2fs e2fsck; do
		stage_binary "$stage" "$(command -v $app)" "/sbin/$app"
	done
	ln -s mke2fs "$stage/sbin/mkfs.ext4"
	ln -s e2fsck "$stage/sbin/fsck.ext4"
	cp /etc/mke2fs.conf "$stage/etc/"
	cp "$BUILD"/progs/* "$stage/usr/bin/" 2>/dev/null || true
	[ "${QR_CRIU:-0}" = 0 ] ||
		LD_LIBRARY_PATH=$CRIU_ROOT/usr/lib/x86_64-linux-gnu \
			stage_binary "$stage" "$CRIU_ROOT/usr/sbin/criu" /usr/sbin/criu "$CRIU_ROOT"
	stage_kernel "$stage" "$old"
	[ "$new" = "$old" ] || stage_kernel "$stage" "$new"
	if [ "${QR_ABI_BUMPED:-0}" != 0 ]; then
		stage_abi_bumped "$stage" "$old" || return 1
		[ "$new" = "$old" ] || stage_abi_bumped "$stage" "$new" || return 1
	fi
	install -m 755 "$VM/guest/init" "$stage/init"
	install -m 644 "$VM/guest/test.sh" "$stage/lib/qr/test.sh"
	install -m 644 "$scenario" "$stage/etc/qr/scenario.sh"
	cat >"$stage/etc/qr/config" <<-CONF
	QR_KERNELS="$old $new"
	QR_BASE_APPEND="$BASE_APPEND"
	QR_LAYOUT_APPEND='$LAYOUT_APPEND'
	QR_HOPS=$QR_HOPS
	QR_DISK=$QR_DISK
	QR_CRIU_MODS="$(echo $CRIU_KMODS)"
	CONF
	(cd "$stage" && find . -mindepth 1 | sed 's|^\./||' | sort >etc/qr/manifest &&
		echo etc/qr/manifest >>etc/qr/manifest &&
		cpio -o -H newc --quiet <etc/qr/manifest >"$out")
	rm -rf "$stage"
}

# Debian's static busybox, unpacked into the cache (not installed: it would
# replace the host's busybox).
fetch_busybox() {
	local dir=$QR_CACHE/busybox tmp
	BUSYBOX=$dir/root/bin/busybox
	[ -x "$BUSYBOX" ] && return 0
	tmp=$(mktemp -d "$QR_CACHE/.busybox.XXXXXX")
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		busybox-static >/dev/null && dpkg-deb -x ./*.deb root && rm ./*.deb)
	[ -x "$tmp/root/bin/busybox" ] || { echo "no busybox-static" >&2; return 1; }
	rm -rf "$dir"
	mv "$tmp" "$dir"
}

# Debian's CRIU and the libraries it needs that a host may lack, unpacked
# into the cache (not installed: the host does not need it): CRIU_ROOT.
CRIU_PKGS="criu libnet1 libnftables1 libnftnl11 libprotobuf-c1 libnl-3-200
	libjansson4 libmnl0 libxtables12"
fetch_criu() {
	local tmp d
	CRIU_ROOT=$QR_CACHE/criu/root
	[ -x "$CRIU_ROOT/usr/sbin/criu" ] && return 0
	tmp=$(mktemp -d "$QR_CACHE/.criu.XXXXXX")
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		$CRIU_PKGS >/dev/null && for d in ./*.deb; do
			dpkg-deb -x "$d" root || exit 1
		done && rm ./*.deb)
	[ -x "$tmp/root/usr/sbin/criu" ] || { echo "no criu package" >&2; return 1; }
	rm -rf "$QR_CACHE/criu"
	mv "$tmp" "$QR_CACHE/criu"
}
