package attach

import (
	"errors"
	"io"
	"os"
)

// termReader reads the terminal for one attach (raw or cooked) on a
// goroutine of its own and hands each read over. It lives exactly as
// long as that attach: stop ends it even with a read in hand that nobody
// will take (keys that arrive after a detach, a paste, a held key), so
// the wait for it cannot block. What it read but could not deliver is
// dropped: it was typed into an attach that had ended.
type termReader struct {
	in     input
	direct *directKeys   // plain keys written to the session without the loop (nil: none)
	reads  chan []byte   // each read's bytes (a copy) that direct did not write
	eof    chan struct{} // a read returned end of file; reading goes on (a cooked terminal's ^D is not sticky)
	err    chan error    // the error that ended reading; sent once
	ended  chan struct{} // closed by stop
	done   chan struct{} // closed when the goroutine has returned
}

// startTermReader opens f's input (see openInput) and starts reading it;
// direct, if not nil, may take plain keys (see fastkeys.go).
func startTermReader(f *os.File, direct *directKeys) (*termReader, error) {
	in, err := openInput(f)
	if err != nil {
		return nil, err
	}
	r := &termReader{
		in:     in,
		direct: direct,
		reads:  make(chan []byte),
		eof:    make(chan struct{}),
		err:    make(chan error, 1),
		ended:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	go r.run()
	return r, nil
}

func (r *termReader) run() {
	defer close(r.done)
	buf := make([]byte, 4096)
	for {
		n, err := r.in.Read(buf)
		if n > 0 && !r.direct.write(buf[:n]) {
			select {
			case r.reads <- append([]byte(nil), buf[:n]...):
			case <-r.ended:
				return
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			select {
			case r.eof <- struct{}{}:
			case <-r.ended:
				return
			}
		case err != nil:
			r.err <- err
			return
		}
	}
}

// stop ends the reading without consuming a key typed after it (the
// dashboard or the next attach reads that one), waits for the goroutine
// and closes the input. Called once, when the attach ends.
func (r *termReader) stop() {
	close(r.ended)
	r.in.Cancel()
	<-r.done
	_ = r.in.Close()
}
