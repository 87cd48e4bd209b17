package main

import (
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// closeOnExec keeps fd out of the programs sshdash starts.
func closeOnExec(fd int) { syscall.CloseOnExec(fd) }

// dieWithParent makes the guarded child get SIGTERM if the guard itself is
// killed, so it restores the terminal and ends instead of living on.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// queryCursor asks the terminal where the cursor is (DSR 6) and waits at
// most timeout for the report; row and col are 1-based. Keys typed
// meanwhile are read too, and lost (this runs only after a crash).
func queryCursor(in *os.File, out io.Writer, timeout time.Duration) (row, col int, ok bool) {
	fd := int(in.Fd())
	st, err := term.MakeRaw(fd)
	if err != nil {
		return 0, 0, false
	}
	defer term.Restore(fd, st)
	if _, err := io.WriteString(out, "\x1b[6n"); err != nil {
		return 0, 0, false
	}
	deadline := time.Now().Add(timeout)
	var got []byte
	buf := make([]byte, 64)
	for len(got) < 1024 {
		left := time.Until(deadline)
		if left <= 0 {
			return 0, 0, false
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(pfd, int(left/time.Millisecond)+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return 0, 0, false
		}
		k, err := unix.Read(fd, buf)
		if k <= 0 || err != nil {
			return 0, 0, false
		}
		got = append(got, buf[:k]...)
		if row, col, ok := parseCPR(got); ok {
			return row, col, true
		}
	}
	return 0, 0, false
}
