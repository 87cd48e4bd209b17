package main

import "fmt"

// runDashboard is not built yet; its owner replaces this file.
func runDashboard(args []string, e *env) int {
	fmt.Fprintln(e.stderr, "sshdash: dashboard is not available in this build yet")
	return 1
}
