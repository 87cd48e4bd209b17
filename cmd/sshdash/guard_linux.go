package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the guarded child get SIGTERM if the guard itself is
// killed, so it restores the terminal and ends instead of living on.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
