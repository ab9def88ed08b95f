# bash completion for quickreboot(8)                       -*- shell-script -*-

_quickreboot()
{
	local cur prev words cword
	_init_completion || return

	local cmd="" sub="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=${words[i]}
			elif [[ $cmd == shelter && -z $sub ]]; then
				sub=${words[i]}
			fi
			;;
		esac
	done

	case $prev in
	--iomem | --file | --root | --kernel | --initrd)
		_filedir
		return
		;;
	--device)
		COMPREPLY=($(compgen -f -- "${cur:-/dev/shelter}"))
		return
		;;
	--keep-run)
		COMPREPLY=($(compgen -f -- "${cur:-/run/}"))
		return
		;;
	--dir | --hide-from)
		_filedir -d
		return
		;;
	--unit)
		COMPREPLY=($(compgen -W "$(systemctl list-units --type=service --state=running \
			--no-legend --plain 2>/dev/null | awk '{print $1}')" -- "$cur"))
		return
		;;
	--region | --shelter | --cmdline | --append)
		return
		;;
	esac

	local opts=""
	case $cmd in
	"")
		COMPREPLY=($(compgen -W 'version shelter cmdline setup status check checkpoint thaw reboot restore help --help' -- "$cur"))
		return
		;;
	version) opts="--help" ;;
	cmdline) opts="--cmdline --append --iomem --mode --release --hide-from --kexec-options --help" ;;
	setup) opts="--shelter --dry-run --file --no-update-grub --iomem --cmdline --help" ;;
	status) opts="--json --root --help" ;;
	check) opts="--unit --keep-run --help" ;;
	thaw) opts="--help" ;;
	checkpoint) opts="--dir --mode --keep-first-block --keep-run --help" ;;
	reboot) opts="--kernel --initrd --append --mode --no-kexec-digest --unit --help" ;;
	restore) opts="--dir --boot --handback-only --help" ;;
	shelter)
		case $sub in
		"")
			COMPREPLY=($(compgen -W 'load check mkfs mount umount help --help' -- "$cur"))
			return
			;;
		load) opts="--region --format --help" ;;
		check) opts="--region --cmdline --iomem --help" ;;
		mkfs) opts="--device --help" ;;
		mount)
			opts="--device --help"
			[[ $cur != -* ]] && { _filedir -d; return; }
			;;
		umount)
			opts="--help"
			[[ $cur != -* ]] && { _filedir -d; return; }
			;;
		esac
		;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
} &&
	complete -F _quickreboot quickreboot

# ex: filetype=sh
