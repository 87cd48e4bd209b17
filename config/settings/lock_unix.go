//go:build unix

package settings

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockWait bounds how long Save waits for another sshdash's save: the
// lock is only held while one file is written, so a longer wait means
// something is wrong, and Save reports it instead of hanging the form.
const lockWait = 5 * time.Second

// lockFile takes an exclusive flock on the lock file at path (created,
// mode 0600, and left in place). The lock is released by the returned
// function, or by the kernel if the process dies.
func lockFile(path string) (unlock func(), err error) {
	fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(fd.Fd()), syscall.LOCK_UN)
				fd.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			fd.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			fd.Close()
			return nil, fmt.Errorf("another sshdash has held the lock %s for %v; try again", path, lockWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
