package main

import (
	"os"
	"sync"
	"syscall"
)

// The guarded child tells the guard, over a pipe (its file descriptor 3,
// named by guardFDEnv), which screen the terminal is on and whether it
// ended in order. One byte per report; the guard keeps the last.
const (
	guardFDEnv = "SSHDASH_GUARD_FD"

	guardAlt   = 'a' // the dashboard has the terminal, on the alternate screen
	guardMain  = 'm' // the main screen: attached to a session, or connect's prompts
	guardClean = 'x' // the command returned and left the terminal as it should be
)

// guardLink is the child's end of the status pipe. A nil *guardLink (not
// running under the guard) reports nothing.
type guardLink struct {
	mu sync.Mutex // guards f
	f  *os.File   // nil once closed
}

// openGuardLink returns the status pipe the guard passed, or nil.
func openGuardLink(getenv func(string) string) *guardLink {
	if getenv(guardEnv) != "1" || getenv(guardFDEnv) != "3" {
		return nil
	}
	// Checked on the bare descriptor: an *os.File would close it when
	// collected, and if it is not the guard's pipe (the variables were
	// inherited from elsewhere, say by a ProxyCommand that runs sshdash)
	// it belongs to someone else.
	var st syscall.Stat_t
	if syscall.Fstat(3, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		return nil
	}
	closeOnExec(3) // not inherited by ProxyCommands: the guard waits for EOF
	return &guardLink{f: os.NewFile(3, "sshdash-guard")}
}

// report tells the guard the terminal's state (guardAlt, guardMain); a
// failed write is ignored, as the guard then falls back to a full reset.
func (g *guardLink) report(state byte) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.f != nil {
		_, _ = g.f.Write([]byte{state})
	}
}

// clean reports that the command returned with the terminal in order, and
// closes the pipe; it returns code, for `return e.guard.clean(run())`.
func (g *guardLink) clean(code int) int {
	if g == nil {
		return code
	}
	g.report(guardClean)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.f != nil {
		_ = g.f.Close()
		g.f = nil
	}
	return code
}
