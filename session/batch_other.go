//go:build !linux

package session

import (
	"errors"
	"syscall"
)

// canBatch: elsewhere the poller's treatment of SO_RCVLOWAT is not
// relied on; reads are not batched.
const canBatch = false

func setRcvLowat(syscall.RawConn, int) error { return errors.ErrUnsupported }

func rcvBuf(syscall.RawConn) (int, error) { return 0, errors.ErrUnsupported }

func batchReady(uintptr, int) bool { return true }
