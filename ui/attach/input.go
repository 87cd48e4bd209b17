package attach

import (
	"os"

	"github.com/muesli/cancelreader"
)

// input is the terminal's input for one attach: a reader that Cancel stops
// without consuming a key typed after it (the dashboard or the next
// attach reads that one), as golang/go#41390 requires.
type input interface {
	Read(p []byte) (int, error)
	Cancel() bool
	Close() error
}

// openInput returns in's reader. Where it can (see openPolled), the wait
// for keys happens in the Go runtime's network poller. cancelreader waits
// in a blocking epoll_wait instead, which holds an OS thread in a system
// call while the user is not typing; with one P (cmd attaches on one,
// see cmd/sshdash/procs.go) the network is then polled late, until the
// runtime takes the P back, and every keystroke's echo was ~0.15 ms
// later. Elsewhere cancelreader serves.
func openInput(in *os.File) (input, error) {
	if p := openPolled(in); p != nil {
		return p, nil
	}
	return cancelreader.NewReader(in)
}
