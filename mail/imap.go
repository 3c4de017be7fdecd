package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// IMAPConfig is the mailbox the desk reads.
type IMAPConfig struct {
	Host           string
	Port           int // 0: 993 for imaps, 143 otherwise
	User, Password string
	Mailbox        string // "" means INBOX
	// DoneMailbox, when set, receives handled messages; otherwise they are
	// marked \Seen and stay.
	DoneMailbox string
	// TLS is "imaps", "starttls" or "none" (a loopback server only).
	TLS string
	// CAFile (PEM) or RootCAs replace the system roots.
	CAFile  string
	RootCAs *x509.CertPool
	// Timeout is how long the server may stay silent while connecting or
	// during a command; 0 means 1 minute.
	Timeout time.Duration
	// MaxMessageBytes: larger messages are not downloaded (see FetchIMAP);
	// 0 means 64 MiB.
	MaxMessageBytes int64
}

// IMAPPosition remembers, per mailbox, the last UID handled under a
// UIDVALIDITY. ticket.MailStore has these methods.
type IMAPPosition interface {
	IMAPPosition(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetIMAPPosition(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
}

// FetchResult is what one FetchIMAP run did.
type FetchResult struct {
	Server      string // host:port
	Mailbox     string // the position key: USER@HOST/MAILBOX
	UIDValidity uint32
	// Reread is set when UIDVALIDITY changed and the mailbox was read again
	// from the start.
	Reread  bool
	Handled int
	// TooLarge are the messages left on the server because they exceed
	// MaxMessageBytes.
	TooLarge []IMAPTooLarge
}

// IMAPTooLarge is a message FetchIMAP did not download.
type IMAPTooLarge struct {
	UID  uint32
	Size int64
}

func (t IMAPTooLarge) String() string {
	return fmt.Sprintf("UID %d (%d bytes): larger than mail.max_message_mb; left unread on the server: "+
		"raise the limit, then move the message out of the mailbox and back (it gets a new UID), or handle it by hand", t.UID, t.Size)
}

// IMAPError is a failed IMAP step; Msg never holds the password.
type IMAPError struct {
	Server string
	Op     string
	Msg    string
}

func (e *IMAPError) Error() string {
	return fmt.Sprintf("imap %s: %s: %s", e.Server, e.Op, e.Msg)
}

// FetchIMAP hands every message with a UID above the stored position to
// handle, oldest first, one at a time: bodies are read with BODY.PEEK[] so
// nothing is marked before it is kept. When handle returns nil the message
// is marked \Seen (or moved to DoneMailbox) and then the position advances
// past it; a crash in between makes the next run hand it over again, which
// the store recognises as a duplicate. When UIDVALIDITY differs from the
// stored one, UIDs mean other messages now and the mailbox is read from the
// start (again, the store drops what it has).
//
// A handle error stops the run with nothing marked or advanced for that
// message. A message larger than MaxMessageBytes is not downloaded, so
// memory stays bounded: it is left untouched on the server, reported in
// FetchResult.TooLarge, and the position moves past it so it does not
// block the desk.
//
// The position is kept under USER@HOST/MAILBOX, so two accounts or servers
// never share one.
func FetchIMAP(ctx context.Context, cfg IMAPConfig, pos IMAPPosition,
	handle func(ctx context.Context, raw []byte, uidValidity, uid uint32) error) (FetchResult, error) {
	if cfg.Mailbox == "" {
		cfg.Mailbox = "INBOX"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 64 << 20
	}
	if cfg.Port == 0 {
		cfg.Port = 143
		if cfg.TLS == "imaps" {
			cfg.Port = 993
		}
	}
	s := &imapSession{cfg: cfg, server: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))}
	res := FetchResult{Server: s.server, Mailbox: cfg.User + "@" + cfg.Host + "/" + cfg.Mailbox}
	if err := s.connect(ctx); err != nil {
		return res, err
	}
	defer s.close()

	sel, err := s.selectMailbox(cfg.Mailbox)
	if err != nil {
		return res, err
	}
	res.UIDValidity = sel.UIDValidity
	storedValidity, last, err := pos.IMAPPosition(ctx, res.Mailbox)
	if err != nil {
		return res, fmt.Errorf("imap %s: reading the stored position of %s: %w", s.server, res.Mailbox, err)
	}
	if storedValidity != sel.UIDValidity {
		res.Reread = storedValidity != 0
		last = 0
	}
	if sel.NumMessages == 0 {
		return res, nil
	}

	// The list of new UIDs and sizes is small; bodies come one at a time.
	var all imap.UIDSet
	all.AddRange(imap.UID(last+1), 0) // last+1:*
	var list []*imapclient.FetchMessageBuffer
	err = s.do("listing new messages in "+cfg.Mailbox, func() (err error) {
		list, err = s.c.Fetch(all, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		return err
	})
	if err != nil {
		return res, err
	}
	// "last+1:*" still names the newest message when none is newer.
	list = slices.DeleteFunc(list, func(m *imapclient.FetchMessageBuffer) bool { return uint32(m.UID) <= last })
	slices.SortFunc(list, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })

	for _, m := range list {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		uid := uint32(m.UID)
		if m.RFC822Size > cfg.MaxMessageBytes {
			res.TooLarge = append(res.TooLarge, IMAPTooLarge{UID: uid, Size: m.RFC822Size})
		} else {
			raw, gone, over, err := s.body(m.UID, cfg.MaxMessageBytes)
			if err != nil {
				return res, err
			}
			if over {
				res.TooLarge = append(res.TooLarge, IMAPTooLarge{UID: uid, Size: cfg.MaxMessageBytes + 1})
			} else if !gone {
				if err := handle(ctx, raw, sel.UIDValidity, uid); err != nil {
					return res, fmt.Errorf("imap %s: message UID %d in %s was not kept, and stays for the next run: %w",
						s.server, uid, cfg.Mailbox, err)
				}
				if err := s.markDone(m.UID); err != nil {
					return res, err
				}
				res.Handled++
			}
		}
		if err := pos.SetIMAPPosition(ctx, res.Mailbox, sel.UIDValidity, uid); err != nil {
			return res, fmt.Errorf("imap %s: saving the position of %s: %w", s.server, res.Mailbox, err)
		}
	}
	return res, nil
}

type imapSession struct {
	cfg    IMAPConfig
	server string
	raw    *progressConn // the TCP connection under any TLS
	c      *imapclient.Client
	stop   func() bool
}

func (s *imapSession) fail(op string, err error) error {
	var ne net.Error
	msg := err.Error()
	switch {
	// imapclient does not always wrap with %w, hence the text check.
	case errors.As(err, &ne) && ne.Timeout(), strings.Contains(msg, "i/o timeout"):
		msg += fmt.Sprintf(" (no answer within %s; check mail.imap.host and mail.imap.port, or raise the timeout)", s.cfg.Timeout)
	case errors.Is(err, net.ErrClosed):
		msg += " (the connection was closed; run again)"
	}
	return &IMAPError{Server: s.server, Op: op, Msg: redactSecret(msg, s.cfg.User, s.cfg.Password)}
}

// do runs one command under the timeout, so a server that stops answering
// cannot hang the run; between commands (while handle runs) there is none.
func (s *imapSession) do(op string, f func() error) error {
	s.raw.setActive(true)
	err := f()
	s.raw.setActive(false)
	if err != nil {
		return s.fail(op, err)
	}
	return nil
}

// progressConn times out a command only when the server sends nothing for
// the timeout: every read or write during a command pushes the deadline
// on, so a large message on a slow link still arrives. The client's reader
// is always blocked in Read, so the deadline is lifted between commands.
type progressConn struct {
	net.Conn
	timeout time.Duration
	mu      sync.Mutex // orders a Read's deadline against setActive(false)
	active  bool
}

func (c *progressConn) setActive(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active = on
	if on {
		c.Conn.SetDeadline(time.Now().Add(c.timeout))
	} else {
		c.Conn.SetDeadline(time.Time{})
	}
}

func (c *progressConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	if c.active {
		c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
	c.mu.Unlock()
	return c.Conn.Read(b)
}

func (c *progressConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	if c.active {
		c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	}
	c.mu.Unlock()
	return c.Conn.Write(b)
}

func (s *imapSession) connect(ctx context.Context) error {
	tlsConf := &tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	if s.cfg.CAFile != "" {
		pem, err := os.ReadFile(s.cfg.CAFile)
		if err != nil {
			return &IMAPError{Server: s.server, Op: "reading mail.imap.ca_file", Msg: err.Error()}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return &IMAPError{Server: s.server, Op: "reading mail.imap.ca_file", Msg: s.cfg.CAFile + " holds no PEM certificate"}
		}
		tlsConf.RootCAs = pool
	}
	switch s.cfg.TLS {
	case "imaps", "starttls":
	case "none":
		if !isLoopback(s.cfg.Host) {
			return &IMAPError{Server: s.server, Op: "connect", Msg: "mail.imap.tls is none, which is only allowed for a server on this machine; use imaps or starttls"}
		}
	default:
		return &IMAPError{Server: s.server, Op: "connect", Msg: fmt.Sprintf("mail.imap.tls is %q; want imaps, starttls or none", s.cfg.TLS)}
	}
	d := net.Dialer{Timeout: s.cfg.Timeout}
	tcp, err := d.DialContext(ctx, "tcp", s.server)
	if err != nil {
		return s.fail("connect", err)
	}
	raw := &progressConn{Conn: tcp, timeout: s.cfg.Timeout}
	s.raw = raw
	// Cancelling ctx breaks off whatever command is waiting.
	s.stop = context.AfterFunc(ctx, func() { raw.Close() })
	opts := &imapclient.Options{TLSConfig: tlsConf}
	err = s.do("connect", func() error {
		switch s.cfg.TLS {
		case "imaps":
			tc := tls.Client(raw, tlsConf)
			if err := tc.HandshakeContext(ctx); err != nil {
				return err
			}
			s.c = imapclient.New(tc, opts)
		case "starttls":
			c, err := imapclient.NewStartTLS(raw, opts)
			if err != nil {
				return err
			}
			s.c = c
		default:
			s.c = imapclient.New(raw, opts)
		}
		return s.c.WaitGreeting()
	})
	if err != nil {
		s.close()
		return err
	}
	if err := s.do("login as "+s.cfg.User, func() error { return s.c.Login(s.cfg.User, s.cfg.Password).Wait() }); err != nil {
		s.close()
		return fmt.Errorf("%w (check mail.imap.user and the password)", err)
	}
	return nil
}

func (s *imapSession) close() {
	if s.c != nil {
		_ = s.do("logout", func() error { return s.c.Logout().Wait() })
		s.c.Close()
	}
	if s.stop != nil {
		s.stop()
	}
	s.raw.Close()
}

func (s *imapSession) selectMailbox(name string) (*imap.SelectData, error) {
	var sel *imap.SelectData
	err := s.do("selecting "+name, func() (err error) {
		sel, err = s.c.Select(name, nil).Wait()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w (check mail.imap.mailbox)", err)
	}
	return sel, nil
}

// body downloads one message; gone when it was expunged meanwhile. At most
// max bytes are read into memory: a server may send more than the size it
// announced, and then over is set and the rest is skipped unread into
// memory (the client discards it as it arrives).
func (s *imapSession) body(uid imap.UID, max int64) (raw []byte, gone, over bool, err error) {
	section := &imap.FetchItemBodySection{Peek: true}
	err = s.do(fmt.Sprintf("reading message UID %d", uid), func() error {
		cmd := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			var got imap.UID
			var body []byte
			var big bool
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					got = it.UID
				case imapclient.FetchItemDataBodySection:
					b, rerr := io.ReadAll(io.LimitReader(it.Literal, max+1))
					if rerr != nil {
						cmd.Close()
						return rerr
					}
					body, big = b, int64(len(b)) > max
					if big {
						body = nil
					}
				}
			}
			if got == uid && (body != nil || big) {
				raw, over = body, big
			}
		}
		return cmd.Close()
	})
	return raw, raw == nil && !over && err == nil, over, err
}

// markDone marks a kept message \Seen, or moves it to DoneMailbox: MOVE
// when the server has it, else COPY, \Deleted and UID EXPUNGE of just that
// message (a plain EXPUNGE would also remove what others marked deleted, so
// without UIDPLUS the original is left flagged \Deleted).
func (s *imapSession) markDone(uid imap.UID) error {
	set := imap.UIDSetNum(uid)
	op := fmt.Sprintf("marking message UID %d \\Seen", uid)
	err := s.do(op, func() error {
		return s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
	})
	if err != nil || s.cfg.DoneMailbox == "" {
		return err
	}
	op = fmt.Sprintf("moving message UID %d to %s (check mail.imap.done_mailbox)", uid, s.cfg.DoneMailbox)
	return s.do(op, func() error {
		if s.c.Caps().Has(imap.CapMove) {
			_, err := s.c.Move(set, s.cfg.DoneMailbox).Wait()
			return err
		}
		if _, err := s.c.Copy(set, s.cfg.DoneMailbox).Wait(); err != nil {
			return err
		}
		err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
		if err != nil || !s.c.Caps().Has(imap.CapUIDPlus) {
			return err
		}
		return s.c.UIDExpunge(set).Close()
	})
}
