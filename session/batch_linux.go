package session

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// canBatch: Linux honours SO_RCVLOWAT in epoll, which the runtime's
// poller uses, so a waiting read is woken only once the mark is reached.
const canBatch = true

// setRcvLowat sets SO_RCVLOWAT on the socket rc controls.
func setRcvLowat(rc syscall.RawConn, n int) error {
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVLOWAT, n)
	}); err != nil {
		return err
	}
	return serr
}

// rcvBuf returns SO_RCVBUF of the socket rc controls.
func rcvBuf(rc syscall.RawConn) (int, error) {
	var n int
	var serr error
	if err := rc.Control(func(fd uintptr) {
		n, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
	}); err != nil {
		return 0, err
	}
	return n, serr
}

// batchReady reports whether socket fd has want bytes queued (or cannot
// tell: the read that follows reports the error).
func batchReady(fd uintptr, want int) bool {
	n, err := unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	return err != nil || n >= want
}
