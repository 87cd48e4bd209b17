//go:build !linux

package session

import (
	"errors"
	"syscall"
)

// canRawIO: elsewhere the transport keeps the ordinary reads and writes.
const canRawIO = false

func rawRead(syscall.RawConn, []byte) (int, error) { return 0, errors.ErrUnsupported }

func rawWrite(syscall.RawConn, []byte) (int, error) { return 0, errors.ErrUnsupported }
