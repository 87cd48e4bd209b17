package session

import "io"

// Leave ends live output to w, as the stop function of the Attach that w
// was given to does, and returns the bytes that hand the terminal back in
// its default state with the cursor where the remote's output left it
// (see vt.Screen.Leave). Both happen under the output lock, so the bytes
// match what w was sent: no output reaches the emulator in between. With
// freshLine the cursor ends at the start of a line (see vt.Screen.Leave).
func (s *Session) Leave(w io.Writer, freshLine bool) []byte {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	if s.attached == w {
		s.attached = nil
	}
	return s.screen.Leave(freshLine)
}
