//go:build unix

package leftover

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockWait bounds waiting for another sshdash's update: one holds the
// lock only while it rewrites a small file.
const lockWait = 5 * time.Second

// lockFile takes an exclusive flock on the file at path (created, mode
// 0600, left in place); the returned function, or the process's death,
// releases it.
func lockFile(path string) (unlock func(), err error) {
	fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(fd.Fd()), syscall.LOCK_UN); fd.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			fd.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			fd.Close()
			return nil, fmt.Errorf("another sshdash has held the lock %s for %v", path, lockWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
