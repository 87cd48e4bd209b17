package main

import "fmt"

// runConnect is not built yet; its owner replaces this file.
func runConnect(args []string, e *env) int {
	fmt.Fprintln(e.stderr, "sshdash: connect is not available in this build yet")
	return 1
}
