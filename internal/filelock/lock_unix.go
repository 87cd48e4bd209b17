//go:build unix

package filelock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Lock takes an exclusive flock on the lock file at path (created, mode
// 0600, and left in place), waiting at most wait for another process that
// holds it. The lock is released by the returned function, or by the
// kernel if the process dies. A lock held longer than wait means something
// is wrong: the error says so instead of hanging the caller.
func Lock(path string, wait time.Duration) (unlock func(), err error) {
	fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(fd.Fd()), syscall.LOCK_UN)
				fd.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			fd.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			fd.Close()
			return nil, fmt.Errorf("another sshdash has held the lock %s for %v; try again", path, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
