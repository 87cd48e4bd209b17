package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"

	"golang.org/x/term"
)

// guardEnv marks the child process run under the terminal guard.
const guardEnv = "SSHDASH_GUARDED"

// terminalReset leaves the alternate screen and turns off every mode a
// crashed sshdash or remote program may have left on: mouse reporting,
// bracketed paste, focus events, application keys, scroll margins,
// attributes; and shows the cursor.
const terminalReset = "\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[?1l\x1b>\x1b[r\x1b[0m\x1b[?25h\r\n"

// guarded runs sshdash's interactive commands in a child process and
// restores the terminal after it, however it ended: a panic in any
// goroutine, SIGKILL, or a signal. A Go program cannot recover panics in
// goroutines it did not start with a recover, nor run code after SIGKILL;
// a parent can. It returns ok=false when no guard is needed or possible,
// and the caller then runs the command itself.
func guarded(e *env) (code int, ok bool) {
	if e.getenv(guardEnv) == "1" {
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
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), guardEnv+"=1")
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
	if err := cmd.Start(); err != nil {
		return 0, false
	}
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
	abnormal := false // killed by a signal, or a Go panic (exit status 2)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code, abnormal = 128+int(ws.Signal()), true
		}
		abnormal = abnormal || code == 2
	}
	_ = term.Restore(int(in.Fd()), state)
	if abnormal {
		_, _ = io.WriteString(e.stdout, terminalReset)
	}
	return code, true
}

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
