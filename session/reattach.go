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
	methodTmuxNew        = "tmux-new"        // a new private tmux session was created
	methodTmuxAttached   = "tmux-attached"   // an existing one was reattached: same shell as before
	methodScreenNew      = "screen-new"      // a new private screen session was created
	methodScreenAttached = "screen-attached" // an existing one was reattached: same shell as before
	methodNone           = "none"            // a plain shell; the marker adds ";why"
	// methodPending is no marker: the session is shown Up while the
	// shell's marker is still awaited (it is taken when it comes).
	methodPending = "(pending)"
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

// killCommand ends a session's private tmux or screen session on purpose,
// so nothing is left running on the server after the user closes it. Like
// the wrapper, it is one exec line any login shell passes to /bin/sh.
func killCommand(name string) string {
	return execLine(killScript(name))
}

// killScript is killCommand's script: tmux and screen are looked for
// where the wrapper looks for them.
func killScript(name string) string {
	return fmt.Sprintf("n=%s; mode=auto\nset -f\n%s\n%s\n", shellQuote(name), findBody, killBody)
}

// killBody ends the tmux session $n and the screen session sshdash-$n.
// screen -X only sends the command: the session is waited for (at most
// 3 s) until it no longer answers, so that when the close is reported
// done nothing of it is left.
const killBody = `if [ -n "$t" ]; then "$t" -L sshdash -f /dev/null kill-session -t "=$n" </dev/null >/dev/null 2>&1; fi
if [ -n "$sc" ]; then S="sshdash-$n"; ` + screenQuit + `; fi
true`

// screenQuit ends the screen session $S, if there is one, and waits (at
// most 3 s) until it is gone: screen -X returns before the session has
// quit. Where there is none (the session used tmux) it costs one run. The check is a
// harmless -X command (setenv for new windows), not a -Q query: a query
// whose session dies while it waits leaves a "-queryA" socket behind.
const screenQuit = `if "$sc" -S "$S" -X quit </dev/null >/dev/null 2>&1; then i=0; while [ $i -lt 30 ] && "$sc" -S "$S" -X setenv sdquit 1 </dev/null >/dev/null 2>&1; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; fi`

// plainShell reports whether a method says the link's shell was started
// without tmux or screen (reattach = none, RequestTTY no, the wrapper
// refused or finding neither), so nothing on the server outlives it. An
// unknown or still awaited method is not plain: the wrapper may have
// started a tmux or screen session.
func plainShell(method string) bool {
	return method == methodNone || strings.HasPrefix(method, methodNone+";")
}

// mayHaveRemote reports whether a link of a session with opts, whose
// marker said method, may have started a tmux or screen session on the
// server. Not for tunnels only, reattach = none or RequestTTY no (the
// wrapper is never run), nor where the marker says plain shell; an
// unknown or still awaited method may have.
func mayHaveRemote(opts Options, method string) bool {
	if opts.TunnelOnly || opts.Reattach == ReattachNone || opts.Shell.NoTerminal() {
		return false
	}
	return !plainShell(method)
}

// sameShell reports whether a method means the shell from before the drop
// was found again.
func sameShell(method string) bool {
	return method == methodTmuxAttached || method == methodScreenAttached
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
