package main

import "fmt"

// runList is not built yet; its owner replaces this file.
func runList(args []string, e *env) int {
	fmt.Fprintln(e.stderr, "sshdash: list is not available in this build yet")
	return 1
}
