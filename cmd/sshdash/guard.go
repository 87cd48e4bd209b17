package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"
)

// guardEnv marks the child process run under the terminal guard.
const guardEnv = "SSHDASH_GUARDED"

// guarded runs sshdash's interactive commands in a child process and
// restores the terminal after it, however it ended: a panic in any
// goroutine, SIGKILL, or a signal. A Go program cannot recover panics in
// goroutines it did not start with a recover, nor run code after SIGKILL;
// a parent can. It returns ok=false when no guard is needed or possible,
// and the caller then runs the command itself.
func guarded(e *env) (code int, ok bool) {
	if e.getenv(guardEnv) == "1" {
		e.guard = openGuardLink(e.getenv)
		return 0, false
	}
	in, ok1 := e.stdin.(*os.File)
	if !ok1 || !term.IsTerminal(int(in.Fd())) {
		return 0, false
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	state, err := term.GetState(int(in.Fd()))
	if err != nil {
		return 0, false
	}
	status, statusW, err := os.Pipe()
	if err != nil {
		return 0, false
	}
	defer status.Close()
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{statusW} // the child's fd 3
	cmd.Env = append(os.Environ(), guardEnv+"=1", guardFDEnv+"=3")
	dieWithParent(cmd)
	// The child is in our process group: the terminal's SIGINT and
	// SIGWINCH reach it directly. SIGTERM and SIGHUP sent to us are
	// forwarded; we outlive the child either way.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	// The parent-death signal is tied to the forking thread: keep this
	// goroutine on it until the child has ended (golang/go#27505).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = cmd.Start()
	statusW.Close()
	if err != nil {
		return 0, false
	}
	last := make(chan byte, 1) // the child's last report (0: none)
	go func() {
		var st byte
		buf := make([]byte, 64)
		for {
			n, err := status.Read(buf)
			if n > 0 {
				st = buf[n-1]
			}
			if err != nil {
				last <- st
				return
			}
		}
	}()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGTERM || s == syscall.SIGHUP {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	code = 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	}
	// What the child last reported is in the pipe; a process that
	// inherited it despite close-on-exec only delays the answer.
	_ = status.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var st byte
	select {
	case st = <-last:
	case <-time.After(time.Second): // no deadline on this platform's pipes
	}
	_ = term.Restore(int(in.Fd()), state)
	if st != guardClean {
		// It died (a signal, a panic in any goroutine) without putting
		// the terminal in order. An exit status alone cannot say so: a
		// remote shell's status 2 is a Go panic's too.
		resetAfterCrash(in, e.stdout, st == guardAlt)
	}
	return code, true
}

// crashReset turns off, without moving the cursor, every mode a crashed
// sshdash or a remote program may have left on: attributes, insert,
// newline, autowrap off, charsets, reverse video, cursor shape, blink and
// colour, mouse reporting, focus events, bracketed paste, kitty keyboard
// flags, modifyOtherKeys, application keys and keypad; and shows the
// cursor. CAN first ends any sequence the child left half-written.
const crashReset = "\x18\x1b[0m\x1b[4l\x1b[20l\x1b[?7h\x1b(B\x1b)B\x1b*B\x1b+B\x0f\x1b[?5l\x1b[0 q\x1b[?12l\x1b]112\x07" +
	"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1004l\x1b[?2004l\x1b[=0;1u\x1b[>4m\x1b[?1l\x1b>\x1b[?25h"

// resetAfterCrash puts the terminal in order after the child died:
// leaves the alternate screen only if the dashboard was on it (leaving
// one that was never entered moves the cursor to a saved position), resets
// modes (crashReset), then the scroll region, keeping the cursor where the
// output ended: DECSTBM homes the cursor, so it is saved around it (DECSC
// then saves only defaults and the position). With the whole screen as the
// region the terminal's cursor report is absolute even in origin mode, so
// origin mode is turned off and the cursor put back from that report; a
// terminal that does not answer keeps origin mode (harmless with a full
// region). The output then continues on a fresh line.
func resetAfterCrash(in *os.File, out io.Writer, alt bool) {
	var b strings.Builder
	if alt {
		b.WriteString("\x18\x1b[?1049l")
	}
	b.WriteString(crashReset)
	b.WriteString("\x1b7\x1b[r\x1b8")
	_, _ = io.WriteString(out, b.String())
	b.Reset()
	if row, col, ok := queryCursor(in, out, 300*time.Millisecond); ok {
		fmt.Fprintf(&b, "\x1b[?6l\x1b[%d;%dH", row, col)
		if col > 1 {
			b.WriteString("\r\n")
		}
	} else {
		b.WriteString("\r\n")
	}
	_, _ = io.WriteString(out, b.String())
}

// parseCPR finds a cursor position report (ESC [ row ; col R) in p.
func parseCPR(p []byte) (row, col int, ok bool) {
	m := cprRE.FindSubmatch(p)
	if m == nil {
		return 0, 0, false
	}
	row, err1 := strconv.Atoi(string(m[1]))
	col, err2 := strconv.Atoi(string(m[2]))
	if err1 != nil || err2 != nil || row <= 0 || col <= 0 {
		return 0, 0, false
	}
	return row, col, true
}

var cprRE = regexp.MustCompile(`\x1b\[(\d{1,5});(\d{1,5})R`)

// interrupt is a SIGINT/SIGTERM/SIGHUP subscription.
type interrupt struct {
	c    chan os.Signal
	stop func()
}

func notifyInterrupt() interrupt {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	return interrupt{c: c, stop: func() { signal.Stop(c) }}
}
