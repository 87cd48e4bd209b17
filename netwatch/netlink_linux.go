package netwatch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// groups are the rtnetlink multicast groups watched: links, addresses and
// routes, IPv4 and IPv6.
const groups = unix.RTMGRP_LINK | unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_IPV6_IFADDR |
	unix.RTMGRP_IPV4_ROUTE | unix.RTMGRP_IPV6_ROUTE

// netlinkSource reads rtnetlink notifications. The socket is non-blocking
// and waited on by Go's poller, so Close ends a pending read.
type netlinkSource struct {
	f      *os.File
	events chan Event
	done   chan struct{} // closed when the reader has ended

	closeOnce sync.Once
	mu        sync.Mutex // guards err and closed
	err       error
	closed    bool
}

// OpenSource opens the OS's network event source: on Linux an rtnetlink
// socket subscribed to link, address and route changes, in the network
// namespace of the calling thread.
func OpenSource() (Source, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netwatch: opening an rtnetlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("netwatch: subscribing to rtnetlink link, address and route changes: %w", err)
	}
	s := &netlinkSource{f: os.NewFile(uintptr(fd), "rtnetlink"), events: make(chan Event, 64), done: make(chan struct{})}
	go s.read()
	return s, nil
}

// Events carries one Event per notification.
func (s *netlinkSource) Events() <-chan Event { return s.events }

// Err is why the reader stopped, nil after Close.
func (s *netlinkSource) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close closes the socket, which ends the reader, and waits for it.
func (s *netlinkSource) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		_ = s.f.Close()
	})
	<-s.done
	return nil
}

// read turns notifications into events until the socket is closed. An
// event is dropped rather than wait when the channel is full: the
// watcher only needs to know that something changed, and a full channel
// already says so.
func (s *netlinkSource) read() {
	defer close(s.done)
	defer close(s.events)
	rc, err := s.f.SyscallConn()
	if err != nil {
		s.stop(err)
		return
	}
	buf := make([]byte, 64<<10)
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, _, rerr = unix.Recvfrom(int(fd), buf, 0)
			return rerr != unix.EAGAIN
		})
		if err == nil {
			err = rerr
		}
		switch {
		case errors.Is(err, unix.ENOBUFS):
			// The kernel dropped notifications: something changed.
			s.send(Event{What: "many changes (notifications lost)"})
			continue
		case err != nil:
			s.stop(err)
			return
		}
		msgs, ok := parseMessages(buf[:n])
		if !ok {
			s.send(Event{}) // unreadable, but a notification all the same
		}
		for _, m := range msgs {
			if what, index, ok := describe(m); ok {
				s.send(Event{What: what, Interface: index})
			}
		}
	}
}

func (s *netlinkSource) send(ev Event) {
	select {
	case s.events <- ev:
	default:
	}
}

// stop records why the reader ended, unless it was closed.
func (s *netlinkSource) stop(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.err = fmt.Errorf("netwatch: reading rtnetlink: %w", err)
	}
}

// describe names a notification, e.g. "address added", with the index of
// the interface it is about (0: none or unknown); ok is false for
// messages that are not link, address or route changes. The interface's
// name is looked up later, once per burst (a lookup is a netlink dump).
func describe(m message) (what string, index int, ok bool) {
	switch m.typ {
	case unix.RTM_NEWLINK:
		what = "link changed"
	case unix.RTM_DELLINK:
		what = "link removed"
	case unix.RTM_NEWADDR:
		what = "address added"
	case unix.RTM_DELADDR:
		what = "address removed"
	case unix.RTM_NEWROUTE:
		what = "route added"
	case unix.RTM_DELROUTE:
		what = "route removed"
	default:
		return "", 0, false
	}
	// ifinfomsg and ifaddrmsg both hold the interface index at bytes 4–7.
	switch m.typ {
	case unix.RTM_NEWLINK, unix.RTM_DELLINK:
		if len(m.data) >= unix.SizeofIfInfomsg {
			index = int(int32(binary.NativeEndian.Uint32(m.data[4:8])))
		}
	case unix.RTM_NEWADDR, unix.RTM_DELADDR:
		if len(m.data) >= unix.SizeofIfAddrmsg {
			index = int(binary.NativeEndian.Uint32(m.data[4:8]))
		}
	}
	return what, index, true
}

// message is one netlink message: its type and payload.
type message struct {
	typ  uint16
	data []byte
}

// parseMessages splits a datagram into its netlink messages (each a
// 16-byte nlmsghdr and a payload, aligned to 4 bytes); ok is false when
// the datagram is malformed, with the messages read before the fault.
func parseMessages(b []byte) (msgs []message, ok bool) {
	for len(b) >= unix.SizeofNlMsghdr {
		l := int(binary.NativeEndian.Uint32(b[0:4]))
		if l < unix.SizeofNlMsghdr || l > len(b) {
			return msgs, false
		}
		msgs = append(msgs, message{typ: binary.NativeEndian.Uint16(b[4:6]), data: b[unix.SizeofNlMsghdr:l]})
		next := (l + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1)
		if next >= len(b) {
			return msgs, true
		}
		b = b[next:]
	}
	return msgs, len(b) == 0
}
