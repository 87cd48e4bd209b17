//go:build !linux

package keepalive

import (
	"errors"
	"time"
)

// setUserTimeoutFD: TCP_USER_TIMEOUT is Linux-only; elsewhere the kernel
// keepalive is the only TCP backstop.
func setUserTimeoutFD(uintptr, time.Duration) error {
	return errors.ErrUnsupported
}

func userTimeoutFD(uintptr) (time.Duration, error) { return 0, errors.ErrUnsupported }
