package main

import "fmt"

// runResolve is not built yet; its owner replaces this file.
func runResolve(args []string, e *env) int {
	fmt.Fprintln(e.stderr, "sshdash: resolve is not available in this build yet")
	return 1
}
