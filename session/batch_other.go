//go:build !linux

package session

import (
	"errors"
	"net"
)

// canBatch: elsewhere the poller's treatment of SO_RCVLOWAT is not
// relied on; reads are not batched.
const canBatch = false

func setRcvLowat(*net.TCPConn, int) error { return errors.ErrUnsupported }

func rcvBuf(*net.TCPConn) (int, error) { return 0, errors.ErrUnsupported }

func batchReady(uintptr, int) bool { return true }
