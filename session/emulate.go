package session

// The session's terminal emulator is fed on a goroutine of its own, so that
// while a session is attached, writing output to the user's terminal and
// emulating it run in parallel instead of one after the other. Every
// operation on the screen that must be ordered with the output — writes,
// resizes, and a barrier before a redraw or an overlay — goes through one
// FIFO queue, always sent under outMu.

// screenOp is one queued operation on the emulator.
type screenOp struct {
	data       []byte        // output to feed (owned by the queue)
	cols, rows int           // a resize, when > 0
	barrier    chan struct{} // closed once everything before it is applied
}

// screenQueueLen bounds the output waiting for the emulator; a full queue
// makes the output pump wait (backpressure), never drops output.
const screenQueueLen = 64

// emulate applies queued operations until the queue is closed.
func (s *Session) emulate(q <-chan screenOp, done chan<- struct{}) {
	defer close(done)
	for op := range q {
		switch {
		case op.barrier != nil:
			close(op.barrier)
		case op.cols > 0:
			s.screen.Resize(op.cols, op.rows)
		default:
			_, _ = s.screen.Write(op.data)
		}
	}
}

// queueScreen sends an operation to the emulator, or applies it at once
// once the emulator goroutine has ended. outMu must be held.
func (s *Session) queueScreen(op screenOp) {
	if s.screenQ != nil {
		s.screenQ <- op
		return
	}
	switch {
	case op.barrier != nil:
		close(op.barrier)
	case op.cols > 0:
		s.screen.Resize(op.cols, op.rows)
	default:
		_, _ = s.screen.Write(op.data)
	}
}

// syncScreen waits until the emulator has applied everything queued, so
// the screen matches what was written to the terminal. outMu must be held.
func (s *Session) syncScreen() {
	b := make(chan struct{})
	s.queueScreen(screenOp{barrier: b})
	<-b
}

// stopEmulator drains the queue and ends the emulator goroutine; later
// screen operations apply directly.
func (s *Session) stopEmulator() {
	s.outMu.Lock()
	q := s.screenQ
	s.screenQ = nil
	s.outMu.Unlock()
	if q != nil {
		close(q)
		<-s.emulatorDone
	}
}
