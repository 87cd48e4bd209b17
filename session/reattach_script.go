package session

import (
	"fmt"
	"strings"
)

// The wrapper is a POSIX sh script run by /bin/sh on the server. It is
// sent as one exec line that every login shell accepts (see execLine), and
// it runs the user's login shell (or the RemoteCommand) inside sshdash's
// private tmux server, else a private screen session, else directly.
//
// Before running anything it prints the marker (markerPrefix): the method
// and, for a plain shell, why the shell will not survive a drop. Nothing
// it does leaves a file on the server: the inner shell's exit status is
// kept in the tmux session's user option @sdexit (screen: its window
// title) until the outer script has read it and ended the session. The
// last screen of a shell or command that ended is printed after the
// client detaches (tmux: capture-pane; screen: a hardcopy in a private
// directory removed at once, see scdump).

// wrapperInfo is what the wrapper records on the server about a session
// (tmux user options), so that sshdash can find its sessions again.
type wrapperInfo struct {
	Alias  string // host alias as the user opened it (@sdalias)
	Client string // local user@machine (@sdclient)
}

// searchDirs are where tmux and screen are looked for after $PATH: the
// usual places of package managers that ssh's non-login PATH misses.
const searchDirs = `/usr/local/bin:/opt/homebrew/bin:$HOME/.local/bin:$HOME/.nix-profile/bin:/home/linuxbrew/.linuxbrew/bin:$HOME/bin`

// findBody sets t and sc to the tmux and screen binaries that mode ($mode:
// auto, tmux or screen) may use, "" where missing: looked for on $PATH and
// in searchDirs, then, when the preferred one is still missing, on the
// login shell's PATH (a login shell run once; csh has no -l with -c).
const findBody = `P="$PATH:` + searchDirs + `"
look() {
  o=$IFS; IFS=:
  for d in $P; do
    if [ -n "$d" ] && [ -f "$d/$1" ] && [ -x "$d/$1" ]; then IFS=$o; echo "$d/$1"; return 0; fi
  done
  IFS=$o; return 1
}
t=; sc=
if [ "$mode" != screen ]; then t=$(look tmux); fi
if [ "$mode" != tmux ]; then sc=$(look screen); fi
if { [ "$mode" != screen ] && [ -z "$t" ]; } || { [ "$mode" = screen ] && [ -z "$sc" ]; }; then
  case "${SHELL:-/bin/sh}" in *csh) lf=;; *) lf=-l;; esac
  lp=$("${SHELL:-/bin/sh}" $lf -c 'echo "$PATH"' </dev/null 2>/dev/null | tail -n 1)
  case "$lp" in /*) P="$lp:$P";; esac
  if [ "$mode" != screen ] && [ -z "$t" ]; then t=$(look tmux); fi
  if [ "$mode" != tmux ] && [ -z "$sc" ]; then sc=$(look screen); fi
fi`

// tmuxCosmetic are the private tmux server's options: no status bar, no
// prefix, no key bindings (every key reaches the shell), no escape delay,
// colours and titles passed through. Each is applied on its own, once per
// server, and a failure is ignored: an option the remote tmux does not
// know (window-size before 3.1, exit-empty before 2.7) costs nothing.
var tmuxCosmetic = []string{
	"set -g status off",
	"set -g prefix None",
	"set -g prefix2 None",
	"set -g escape-time 0",
	"set -g exit-empty on",
	"set -g destroy-unattached off",
	"set -g history-limit 10000",
	"set -g focus-events on",
	"set -g set-clipboard on",
	"set -g allow-rename off",
	"set -g set-titles on",
	"set -g set-titles-string '#T'",
	"set -g window-size latest",
	"set -ga terminal-overrides ',*:RGB'",
	"unbind -a -T prefix",
	"unbind -a -T root",
	"unbind -a -T copy-mode",
	"unbind -a -T copy-mode-vi",
}

// tmuxInner runs in the tmux pane: $0 is the session name, $1 the remote
// command ("" for a login shell), $2 the tmux binary, $3 the login shell
// (tmux would give the pane its default-shell as $SHELL), $4 the
// connection's environment as export -p prints it: a pane starts with the
// environment of whichever connection started the server, so the
// connection's own (HOME, LANG, SSH_CONNECTION, SetEnv…) is put back, all
// but TERM, which is tmux's inside. It hides the private
// server from the user's shell (TMUX, TMUX_PANE), runs the shell, records
// its status in @sdexit and detaches any client (the outer script then
// shows the last screen and ends the session), then waits to be killed so
// the status cannot be lost.
const tmuxInner = `s=${TMUX%%,*}; tt=$TERM
command eval "$4" 2>/dev/null
TERM=$tt; export TERM; unset TMUX TMUX_PANE
SHELL=$3; export SHELL
if [ -n "$1" ]; then "$SHELL" -c "$1"; else "$SHELL" -l; fi
r=$?
"$2" -S "$s" set -t "=$0:" @sdexit "x$r" \; detach-client -s "=$0" -E true >/dev/null 2>&1
while :; do sleep 3600; done`

// screenInner is tmuxInner for screen: $0 the screen session name, $1 the
// remote command, $2 the screen binary. The status goes to the window
// title; clients are detached until the outer script ends the session.
// $3 is the login shell.
const screenInner = `unset STY WINDOW
SHELL=$3; export SHELL
if [ -n "$1" ]; then "$SHELL" -c "$1"; else "$SHELL" -l; fi
r=$?
"$2" -S "$0" -X title "sdexit$r" >/dev/null 2>&1
while :; do "$2" -S "$0" -X detach >/dev/null 2>&1; sleep 1; done`

// wrapperBody is the wrapper after its variables: n (name), rc (remote
// command), mode, alias, client.
const wrapperBody = `mark() { printf '\033]7767;sshdash=%s\007' "$1"; }
sh=${SHELL:-/bin/sh}
# ackmark prints the marker and waits (at most 3 s) for sshdash's ACK: tmux
# flushes the terminal's pending output when it attaches, and would
# otherwise discard a marker not yet read.
ackmark() {
  so=$(stty -g 2>/dev/null)
  if [ -n "$so" ] && stty -echo -icanon min 0 time 30 2>/dev/null; then
    mark "$1"; dd bs=1 count=1 >/dev/null 2>&1; stty "$so" 2>/dev/null
  else mark "$1"; fi
}
say() { printf 'sshdash: %s\r\n' "$1"; }
# scdump prints the ended screen window's last screen (screen's client
# leaves the alternate screen on detach, taking it away), as capture-pane
# does for tmux. screen writes a hardcopy only to a file: it goes to a
# private directory that is removed at once (and on any exit or signal);
# with no writable directory the screen is not shown, the status still is.
scdump() {
  hd=
  trap 'rm -rf "$hd"' EXIT
  trap 'rm -rf "$hd"; exit 129' HUP
  trap 'rm -rf "$hd"; exit 130' INT
  trap 'rm -rf "$hd"; exit 143' TERM
  for b in "${TMPDIR:-/tmp}" /tmp /dev/shm "$HOME"; do
    hd=$(mktemp -d "$b/sshdash.XXXXXX" 2>/dev/null) && break
    hd=
  done
  if [ -n "$hd" ]; then
    "$sc" -S "$S" -X hardcopy "$hd/h" >/dev/null 2>&1
    "$sc" -S "$S" -Q title >/dev/null 2>&1
    [ -f "$hd/h" ] && awk 'NF { while (b > 0) { print ""; b-- }; print; next } { b++ }' "$hd/h"
    rm -rf "$hd"
  fi
  trap - EXIT HUP INT TERM
}
plain() {
  mark "none;$1"; say "$1: starting a plain shell (it will not survive a drop)"
  if [ -n "$rc" ]; then exec "${SHELL:-/bin/sh}" -c "$rc"; fi
  exec "${SHELL:-/bin/sh}" -l
}
if [ "$mode" = none ]; then plain "reattach = none"; fi
` + findBody + `
why=
if [ -n "$t" ]; then
  tv=$("$t" -V 2>/dev/null); tv=${tv:-tmux of unknown version}
  T() { "$t" -L sshdash -f /dev/null "$@" </dev/null; }
  A() { "$t" -L sshdash -f /dev/null -u attach-session -t "=$n" \; if-shell -F '#{@sdexit}' 'detach-client -E true'; }
  m=tmux-attached
  if T has-session -t "=$n" >/dev/null 2>&1; then :; else
    m=tmux-new
    if e=$(T new-session -d -s "$n" /bin/sh -c "$tinner" "$n" "$rc" "$t" "$sh" "$(export -p)" 2>&1); then :; else
      why="$tv failed: $(echo $e)"; m=
    fi
  fi
  if [ -n "$m" ]; then
    if [ "$(T show -gqv @sdinit 2>/dev/null)" != 1 ]; then
      tchain >/dev/null 2>&1 || tcosmetic
      T set -g @sdinit 1 >/dev/null 2>&1
    fi
    now=$(date +%s 2>/dev/null)
    if [ "$m" = tmux-new ]; then
      T set -t "=$n:" @sdalias "$alias" \; set -t "=$n:" @sdclient "$client" \; set -t "=$n:" @sdcreated "$now" >/dev/null 2>&1
    fi
    T set -t "=$n:" @sdlast "$now" >/dev/null 2>&1
    ackmark "$m"
    x=$(T show -qv -t "=$n:" @sdexit 2>/dev/null)
    if [ -z "$x" ]; then
      A
      x=$(T show -qv -t "=$n:" @sdexit 2>/dev/null)
    fi
    case "$x" in
    x*)
      T capture-pane -p -t "=$n:" 2>/dev/null | awk 'NF { while (b > 0) { print ""; b-- }; print; next } { b++ }'
      T kill-session -t "=$n" >/dev/null 2>&1
      exit "${x#x}";;
    esac
    if T has-session -t "=$n" >/dev/null 2>&1; then exit 0; fi
    say "the private tmux session ended ($tv)"; exit 1
  fi
fi
if [ -n "$sc" ]; then
  S="sshdash-$n"
  if "$sc" -S "$S" -X info </dev/null >/dev/null 2>&1; then
    ackmark screen-attached
    "$sc" -q -c /dev/null -e '' -D -r "$S"
  else
    ackmark screen-new
    "$sc" -q -c /dev/null -e '' -S "$S" /bin/sh -c "$sinner" "$S" "$rc" "$sc" "$sh"
  fi
  x=$("$sc" -S "$S" -Q title 2>/dev/null)
  case "$x" in
  sdexit*) scdump; ` + screenQuit + `; exit "${x#sdexit}";;
  esac
  exit 0
fi
if [ -n "$why" ]; then plain "$why"; fi
case "$mode" in
tmux) plain "no tmux on the host";;
screen) plain "no screen on the host";;
esac
plain "no tmux or screen on the host"`

// wrapperScript returns the POSIX sh script run on the remote host for a
// session (see the comment at the top of this file). mode is auto, tmux
// or screen; name the private session's name; remoteCommand the
// RemoteCommand ("" for the login shell).
func wrapperScript(mode ReattachMode, name, remoteCommand string, info wrapperInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "n=%s; rc=%s; mode=%s\n", shellQuote(name), shellQuote(remoteCommand), shellQuote(string(mode)))
	fmt.Fprintf(&b, "alias=%s; client=%s\n", shellQuote(info.Alias), shellQuote(info.Client))
	fmt.Fprintf(&b, "tinner=%s\n", shellQuote(tmuxInner))
	fmt.Fprintf(&b, "sinner=%s\n", shellQuote(screenInner))
	// tcosmetic applies the cosmetic options one by one (see tmuxCosmetic).
	b.WriteString("set -f\ntcosmetic() {\n")
	for _, o := range tmuxCosmetic {
		fmt.Fprintf(&b, "  T %s >/dev/null 2>&1\n", o)
	}
	b.WriteString("  :\n}\n")
	// tchain is all of them in one tmux command, tried first: on a fresh
	// server of a tmux that knows them all it costs one run instead of one
	// per option. Any failure (an unknown option, an empty key table) stops
	// the chain, and they are applied one by one.
	b.WriteString("tchain() {\n  T")
	for i, o := range tmuxCosmetic {
		if i > 0 {
			b.WriteString(" \\;")
		}
		b.WriteString(" " + o)
	}
	b.WriteString("\n}\n")
	b.WriteString(wrapperBody)
	b.WriteString("\n")
	return b.String()
}

// execLine wraps a POSIX sh script into one exec request line that every
// login shell sshd may run it under (sh, bash, zsh, fish, csh/tcsh, busybox
// sh) passes unchanged to /bin/sh: one line, no "!", and the script inside
// single quotes with every character that some shell would interpret there
// (newline, ', !, \ and printf's %) written as a printf octal escape. The
// first /bin/sh decodes it with printf and evaluates it.
func execLine(script string) string {
	var b strings.Builder
	b.WriteString(`exec /bin/sh -c 'eval "$(printf "$0")"' '`)
	for i := 0; i < len(script); i++ {
		c := script[i]
		switch {
		case c == '\n' || c == '\'' || c == '!' || c == '\\' || c == '%' || c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(`'`)
	return b.String()
}

// wrapperCommand is the exec request sent for a session.
func wrapperCommand(mode ReattachMode, name, remoteCommand string, info wrapperInfo) string {
	return execLine(wrapperScript(mode, name, remoteCommand, info))
}
