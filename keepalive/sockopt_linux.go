//go:build linux

package keepalive

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// setUserTimeoutFD sets TCP_USER_TIMEOUT (milliseconds; 0 = kernel default).
func setUserTimeoutFD(fd uintptr, d time.Duration) error {
	ms := 0
	if d > 0 {
		ms = int((d + time.Millisecond - 1) / time.Millisecond)
	}
	return os.NewSyscallError("setsockopt", unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, ms))
}

// userTimeoutFD reads TCP_USER_TIMEOUT back (for tests).
func userTimeoutFD(fd uintptr) (time.Duration, error) {
	ms, err := unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT)
	if err != nil {
		return 0, os.NewSyscallError("getsockopt", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}
