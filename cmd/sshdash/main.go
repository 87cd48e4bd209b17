// Command sshdash is a terminal dashboard for SSH sessions that never die
// silently. Run "sshdash --help" for usage.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], newEnv()))
}
