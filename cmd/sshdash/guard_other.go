//go:build !linux

package main

import (
	"io"
	"os"
	"os/exec"
	"time"
)

// queryCursor: the cursor report is read only on Linux; elsewhere the
// guard goes on without it.
func queryCursor(*os.File, io.Writer, time.Duration) (row, col int, ok bool) { return 0, 0, false }

// closeOnExec: elsewhere the guard's status pipe may be inherited by a
// ProxyCommand; the guard then stops waiting for it after a short bound.
func closeOnExec(int) {}

// dieWithParent is a no-op where the platform has no parent-death signal.
func dieWithParent(*exec.Cmd) {}
