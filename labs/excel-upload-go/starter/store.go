// The orders store (a stand-in for the database). An import is a transaction: rows are staged with Add
// and become visible only on Commit; Rollback drops them. For every order the store keeps a hash of its
// values, so the summary says exactly what was imported.
package main

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
)

var Columns = []string{
	"id", "sku", "product", "category", "region", "country", "city", "warehouse", "channel", "status",
	"currency", "supplier", "owner", "team", "unit", "quantity", "unit_price", "discount_pct", "priority", "note",
}

var numeric = map[int]bool{0: true, 15: true, 16: true, 17: true}

type Store struct {
	mu     sync.Mutex
	orders map[int64]uint32 // id -> hash of the order's values
}

func NewStore() *Store { return &Store{orders: map[int64]uint32{}} }

type Tx struct {
	store  *Store
	staged map[int64]uint32
}

func (s *Store) Begin() *Tx { return &Tx{store: s, staged: map[int64]uint32{}} }

// Add stages one data row (cells in Columns order); sheetRow is its 1-based row number in the sheet.
func (tx *Tx) Add(sheetRow int, cells []string) error {
	if len(cells) > len(Columns) {
		return fmt.Errorf("row %d has %d cells, the sheet has %d columns", sheetRow, len(cells), len(Columns))
	}
	var b strings.Builder
	var id int64
	for i, name := range Columns {
		v := ""
		if i < len(cells) {
			v = strings.TrimSpace(cells[i])
		}
		if i > 0 {
			b.WriteString("\u001f")
		}
		if numeric[i] {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("row %d: %s %q is not a number", sheetRow, name, v)
			}
			if i == 0 {
				id = int64(f)
			}
			b.WriteString("n:" + strconv.FormatFloat(f, 'f', -1, 64))
		} else {
			b.WriteString("s:" + v)
		}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(b.String()))
	tx.staged[id] = h.Sum32()
	return nil
}

func (tx *Tx) Commit() int {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	for id, h := range tx.staged {
		tx.store.orders[id] = h
	}
	n := len(tx.staged)
	tx.staged = nil
	return n
}

func (tx *Tx) Rollback() { tx.staged = nil }

func (s *Store) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.orders)
}

func (s *Store) Summary() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum uint32
	for _, h := range s.orders {
		sum += h
	}
	return map[string]any{"count": len(s.orders), "checksum": sum}
}
