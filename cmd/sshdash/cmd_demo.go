package main

import "fmt"

// runDemo is not built yet; its owner replaces this file.
func runDemo(args []string, e *env) int {
	fmt.Fprintln(e.stderr, "sshdash: demo is not available in this build yet")
	return 1
}
