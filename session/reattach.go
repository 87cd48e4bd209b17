package session

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// ReattachMode says how a session's remote shell survives a dropped link.
type ReattachMode string

// Reattach modes, per host in the settings file.
const (
	// ReattachAuto uses tmux where the remote has it, else screen, else none.
	ReattachAuto ReattachMode = "auto"
	// ReattachTmux runs the shell in a private tmux session (falls back to none without tmux).
	ReattachTmux ReattachMode = "tmux"
	// ReattachScreen runs the shell in a private screen session (falls back to none without screen).
	ReattachScreen ReattachMode = "screen"
	// ReattachNone starts a fresh shell on every connect.
	ReattachNone ReattachMode = "none"
)

// ParseReattachMode parses a reattach mode as written in the settings file.
func ParseReattachMode(s string) (ReattachMode, error) {
	switch m := ReattachMode(s); m {
	case ReattachAuto, ReattachTmux, ReattachScreen, ReattachNone:
		return m, nil
	case "":
		return ReattachAuto, nil
	}
	return "", fmt.Errorf("unknown reattach mode %q (want auto, tmux, screen or none)", s)
}

// tmuxSocket is the name of sshdash's private tmux server on remote hosts
// (tmux -L): it never shares a server, options or key bindings with the
// user's own tmux.
const tmuxSocket = "sshdash"

// markerPrefix starts the private OSC the wrapper prints so the session
// learns which method is in use: ESC ] 7767 ; sshdash=<method> BEL. Real
// terminals ignore unknown OSC numbers; the session strips it anyway.
const markerPrefix = "\x1b]7767;sshdash="

// Reattach methods reported by the wrapper's marker.
const (
	methodTmuxNew      = "tmux-new"      // a new private tmux session was created
	methodTmuxAttached = "tmux-attached" // an existing one was reattached: same shell as before
	methodScreen       = "screen"
	methodNone         = "none"
)

// newRemoteName returns a fresh name for a session's remote tmux/screen
// session: unique per sshdash session, stable across its reconnects.
func newRemoteName() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "sd-" + hex.EncodeToString(b[:])
}

// shellQuote quotes s for POSIX sh as a single word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tmuxOptions make the private tmux invisible: no status bar, no prefix, no
// key bindings (so every key reaches the shell), no escape delay (vim), and
// colours and titles passed through.
var tmuxOptions = []string{
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
	// unbind -a fails on a table that does not exist, as it does once a
	// first session has emptied it, and the failure ends the command list:
	// every session after the first on a host fell back to a plain shell.
	// A binding made first guarantees the table exists.
	"bind -T prefix F12 send-keys F12",
	"unbind -a -T prefix",
	"bind -T root F12 send-keys F12",
	"unbind -a -T root",
}

// wrapperScript returns the POSIX sh script run on the remote host for a
// session: it prints the method marker, then runs the login shell (or the
// RemoteCommand) inside the private tmux/screen session called name,
// creating it or attaching to it again. When the inner shell exits, the
// script exits with the shell's status, so connect can propagate it.
func wrapperScript(mode ReattachMode, name, remoteCommand string) string {
	// inner runs in the pane: $0 is the file for the exit status, $1 the
	// remote command ("" for a login shell).
	inner := `if [ -n "$1" ]; then "${SHELL:-/bin/sh}" -c "$1"; else "${SHELL:-/bin/sh}" -l; fi; echo $? > "$0"`
	var b strings.Builder
	fmt.Fprintf(&b, "n=%s; rc=%s\n", shellQuote(name), shellQuote(remoteCommand))
	// A TMUX inherited from the login environment would make tmux refuse
	// to attach ("sessions should be nested with care").
	b.WriteString("unset TMUX\n")
	b.WriteString("mark() { printf '\\033]7767;sshdash=%s\\007' \"$1\"; }\n")
	// plain runs a fresh shell; with a reason, it says why tmux was not used.
	b.WriteString("plain() { mark none; if [ -n \"$1\" ]; then printf 'sshdash: %s; starting a plain shell (it will not survive a drop)\\r\\n' \"$1\"; fi\n")
	b.WriteString("  if [ -n \"$rc\" ]; then exec \"${SHELL:-/bin/sh}\" -c \"$rc\"; fi; exec \"${SHELL:-/bin/sh}\" -l; }\n")
	if mode == ReattachAuto || mode == ReattachTmux {
		fmt.Fprintf(&b, "T='tmux -L %s -f /dev/null'\n", tmuxSocket)
		b.WriteString("if command -v tmux >/dev/null 2>&1; then\n")
		b.WriteString("  if $T has-session -t \"=$n\" 2>/dev/null; then mark tmux-attached; else\n")
		b.WriteString("    d=$(umask 077; mktemp -d \"${TMPDIR:-/tmp}/sshdash.XXXXXX\") || plain \"cannot create a temporary directory\"\n")
		b.WriteString("    term=tmux-256color; infocmp \"$term\" >/dev/null 2>&1 || term=screen-256color\n")
		b.WriteString("    err=$($T start-server \\; set -g default-terminal \"$term\"")
		for _, o := range tmuxOptions {
			b.WriteString(" \\; " + o)
		}
		b.WriteString(" \\; new-session -d -s \"$n\" /bin/sh -c " + shellQuote(inner) + " \"$d/exit\" \"$rc\" 2>&1) || plain \"tmux failed: $err\"\n")
		b.WriteString("    $T set -t \"=$n:\" @sdexit \"$d/exit\" >/dev/null 2>&1\n")
		b.WriteString("    mark tmux-new\n")
		b.WriteString("  fi\n")
		b.WriteString("  f=$($T show -v -t \"=$n:\" @sdexit 2>/dev/null)\n")
		b.WriteString("  $T -u attach-session -t \"=$n\"\n")
		b.WriteString("  s=0; if [ -n \"$f\" ] && [ -f \"$f\" ]; then s=$(cat \"$f\"); rm -rf \"${f%/exit}\"; fi\n")
		b.WriteString("  exit \"$s\"\n")
		b.WriteString("fi\n")
	}
	if mode == ReattachAuto || mode == ReattachScreen {
		b.WriteString("if command -v screen >/dev/null 2>&1; then\n")
		b.WriteString("  mark screen\n")
		b.WriteString("  exec screen -q -c /dev/null -e '^@@' -D -RR -S \"sshdash-$n\" /bin/sh -c " +
			shellQuote(`if [ -n "$1" ]; then exec "${SHELL:-/bin/sh}" -c "$1"; fi; exec "${SHELL:-/bin/sh}" -l`) + " sh \"$rc\"\n")
		b.WriteString("fi\n")
	}
	b.WriteString("plain\n")
	return b.String()
}

// wrapperCommand is the exec request sent for a session: the wrapper run by
// /bin/sh whatever the user's login shell is (fish and csh included).
func wrapperCommand(mode ReattachMode, name, remoteCommand string) string {
	return "exec /bin/sh -c " + shellQuote(wrapperScript(mode, name, remoteCommand))
}

// killCommand ends a session's private tmux or screen session on purpose,
// so nothing is left running on the server after the user closes it.
func killCommand(name string) string {
	return fmt.Sprintf("tmux -L %s -f /dev/null kill-session -t %s 2>/dev/null; screen -S %s -X quit >/dev/null 2>&1; true",
		tmuxSocket, shellQuote("="+name), shellQuote("sshdash-"+name))
}

// scanMarker looks for the wrapper's marker at the start of a shell's
// output. It returns the method, the output with the marker removed, and
// whether more bytes are needed to decide (the marker may be split).
func scanMarker(p []byte) (method string, rest []byte, needMore bool) {
	s := string(p)
	i := strings.Index(s, markerPrefix)
	if i < 0 {
		// A prefix of the marker at the very end may complete later.
		for k := len(markerPrefix) - 1; k > 0; k-- {
			if strings.HasSuffix(s, markerPrefix[:k]) {
				return "", p, len(p) < 4096
			}
		}
		return "", p, false
	}
	end := strings.IndexByte(s[i:], '\a')
	if end < 0 {
		return "", p, len(p) < 4096
	}
	method = s[i+len(markerPrefix) : i+end]
	return method, append([]byte(s[:i]), s[i+end+1:]...), false
}
