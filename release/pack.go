package release

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// packs reads objects straight from the pack files through their .idx
// files, both memory-mapped: a lookup is a binary search in the index's
// sorted names, a read inflates that one object (and its delta bases). Only
// the pages of the objects read are ever touched, so a walk over commits
// costs what the commits take, however many trees and blobs the pack holds.
// go-git instead decodes a whole pack index into memory on first use and
// keeps a map of every object's offset: hundreds of MB and a second or so on
// a pack of a million objects, before it reads anything.
type packs struct {
	files []*packFile
	zr    io.ReadCloser // reused: Reset per object
	br    bytes.Reader
	buf   []byte
}

type packFile struct {
	idx, pack []byte
	fanout    [256]uint32
	n         uint32
	unmap     []func() error
	// damaged is set when the pack's trailing checksum is not the one its
	// index records (a pack cut short or overwritten): every read from it
	// fails, as git refuses such a pack, rather than answering from the
	// part that is left.
	damaged error
}

// openPacks maps every pack of objects/pack that has a version 2 index.
// Packs it cannot read are left to go-git.
func openPacks(objects string) *packs {
	p := &packs{}
	names, err := filepath.Glob(filepath.Join(objects, "pack", "*.idx"))
	if err != nil {
		return p
	}
	for _, name := range names {
		if f := openPackFile(name); f != nil {
			p.files = append(p.files, f)
		}
	}
	return p
}

func openPackFile(idxPath string) *packFile {
	idx, unmapIdx, err := mapFile(idxPath)
	if err != nil {
		return nil
	}
	f := &packFile{idx: idx, unmap: []func() error{unmapIdx}}
	if len(idx) < 8+256*4 || !bytes.Equal(idx[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		f.close()
		return nil
	}
	for i := range f.fanout {
		f.fanout[i] = binary.BigEndian.Uint32(idx[8+4*i:])
		if i > 0 && f.fanout[i] < f.fanout[i-1] {
			f.close() // corrupt: lookups would leave the table
			return nil
		}
	}
	f.n = f.fanout[255]
	if uint64(len(idx)) < 8+256*4+uint64(f.n)*28 {
		f.close()
		return nil
	}
	pack, unmapPack, err := mapFile(strings.TrimSuffix(idxPath, ".idx") + ".pack")
	if err != nil || len(pack) < 12 || string(pack[:4]) != "PACK" {
		if err == nil {
			_ = unmapPack()
		}
		f.close()
		return nil
	}
	f.pack = pack
	f.unmap = append(f.unmap, unmapPack)
	// An index ends with the pack's checksum and its own; the pack ends
	// with its checksum.
	if len(idx) < 40 || len(pack) < 32 || !bytes.Equal(idx[len(idx)-40:len(idx)-20], pack[len(pack)-20:]) {
		f.damaged = fmt.Errorf("pack %s does not match its index: the repository is damaged (git fsck says more)",
			filepath.Base(strings.TrimSuffix(idxPath, ".idx")+".pack"))
	}
	return f
}

func (f *packFile) close() {
	for _, u := range f.unmap {
		_ = u()
	}
}

func (p *packs) close() {
	for _, f := range p.files {
		f.close()
	}
	p.files = nil
}

// offset finds h in the index; false when the pack does not hold it.
func (f *packFile) offset(h plumbing.Hash) (int64, bool) {
	lo := uint32(0)
	if h[0] > 0 {
		lo = f.fanout[h[0]-1]
	}
	hi := f.fanout[h[0]]
	names := f.idx[8+256*4:]
	for lo < hi {
		mid := lo + (hi-lo)/2
		switch c := bytes.Compare(names[mid*20:mid*20+20], h[:]); {
		case c == 0:
			offs := f.idx[8+256*4+uint64(f.n)*24:]
			o := binary.BigEndian.Uint32(offs[mid*4:])
			if o&0x80000000 == 0 {
				return int64(o), true
			}
			large := f.idx[8+256*4+uint64(f.n)*28:]
			i := uint64(o&0x7fffffff) * 8
			if i+8 > uint64(len(large)) {
				return 0, false
			}
			return int64(binary.BigEndian.Uint64(large[i:])), true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

var errNotPacked = errors.New("not in a pack")

// read returns an object's type and content; errNotPacked when no pack
// holds it (a loose object: go-git reads those).
func (p *packs) read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	for _, f := range p.files {
		if off, ok := f.offset(h); ok {
			if f.damaged != nil {
				return plumbing.InvalidObject, nil, f.damaged
			}
			return p.readAt(f, off, 0)
		}
	}
	return plumbing.InvalidObject, nil, errNotPacked
}

// readAt reads the object at off, resolving deltas (at most 64 deep, twice
// git's default limit, against corrupt packs that loop).
func (p *packs) readAt(f *packFile, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > 64 {
		return plumbing.InvalidObject, nil, fmt.Errorf("pack: delta chain longer than 64 at offset %d", off)
	}
	pk := f.pack
	if off < 12 || off >= int64(len(pk)) {
		return plumbing.InvalidObject, nil, fmt.Errorf("pack: offset %d out of range", off)
	}
	pos := off
	c := pk[pos]
	pos++
	typ := plumbing.ObjectType((c >> 4) & 7)
	size := uint64(c & 15)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if pos >= int64(len(pk)) || shift > 60 {
			return plumbing.InvalidObject, nil, fmt.Errorf("pack: bad object header at %d", off)
		}
		c = pk[pos]
		pos++
		size |= uint64(c&0x7f) << shift
	}
	switch typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		data, err := p.inflate(pk, pos, size)
		return typ, data, err
	case plumbing.OFSDeltaObject:
		if pos >= int64(len(pk)) {
			return plumbing.InvalidObject, nil, fmt.Errorf("pack: bad delta at %d", off)
		}
		c = pk[pos]
		pos++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if pos >= int64(len(pk)) || rel > 1<<56 {
				return plumbing.InvalidObject, nil, fmt.Errorf("pack: bad delta at %d", off)
			}
			c = pk[pos]
			pos++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		delta, err := p.inflate(pk, pos, size)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		delta = bytes.Clone(delta)
		bt, base, err := p.readAt(f, off-rel, depth+1)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		out, err := applyDelta(base, delta)
		return bt, out, err
	case plumbing.REFDeltaObject:
		if pos+20 > int64(len(pk)) {
			return plumbing.InvalidObject, nil, fmt.Errorf("pack: bad delta at %d", off)
		}
		var bh plumbing.Hash
		copy(bh[:], pk[pos:pos+20])
		delta, err := p.inflate(pk, pos+20, size)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		delta = bytes.Clone(delta)
		bo, ok := f.offset(bh)
		if !ok {
			return plumbing.InvalidObject, nil, errNotPacked // a thin pack's base elsewhere: go-git's job
		}
		bt, base, err := p.readAt(f, bo, depth+1)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		out, err := applyDelta(base, delta)
		return bt, out, err
	}
	return plumbing.InvalidObject, nil, fmt.Errorf("pack: unknown object type %d at %d", typ, off)
}

// maxObject bounds what one object may claim to inflate to (a corrupt or
// hostile size would otherwise allocate it).
const maxObject = 1 << 30

// inflate decompresses size bytes from pk[pos:] into p.buf, which is
// reused: callers copy what they keep.
func (p *packs) inflate(pk []byte, pos int64, size uint64) ([]byte, error) {
	if size > maxObject {
		return nil, fmt.Errorf("pack: object of %d bytes", size)
	}
	p.br.Reset(pk[pos:])
	var err error
	if p.zr == nil {
		p.zr, err = zlib.NewReader(&p.br)
	} else {
		err = p.zr.(zlib.Resetter).Reset(&p.br, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	if uint64(cap(p.buf)) < size {
		p.buf = make([]byte, size)
	}
	p.buf = p.buf[:size]
	if _, err := io.ReadFull(p.zr, p.buf); err != nil {
		return nil, fmt.Errorf("pack: inflate: %w", err)
	}
	return p.buf, nil
}

// applyDelta builds an object from its base and a git delta.
func applyDelta(base, delta []byte) ([]byte, error) {
	bad := errors.New("pack: malformed delta")
	varint := func() (uint64, bool) {
		var v uint64
		for shift := uint(0); shift < 64; shift += 7 {
			if len(delta) == 0 {
				return 0, false
			}
			c := delta[0]
			delta = delta[1:]
			v |= uint64(c&0x7f) << shift
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	srcSize, ok1 := varint()
	dstSize, ok2 := varint()
	if !ok1 || !ok2 || srcSize != uint64(len(base)) || dstSize > maxObject {
		return nil, bad
	}
	out := make([]byte, 0, dstSize)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, n uint64
			for i := uint(0); i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, bad
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, bad
					}
					n |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > dstSize {
				return nil, bad
			}
			out = append(out, base[off:off+n]...)
		case op != 0:
			if int(op) > len(delta) || uint64(len(out))+uint64(op) > dstSize {
				return nil, bad
			}
			out = append(out, delta[:op]...)
			delta = delta[op:]
		default:
			return nil, bad
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, bad
	}
	return out, nil
}
