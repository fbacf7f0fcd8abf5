// Wrong: the rows come from a producer goroutine; an import that stops early never drains it.
// The import handler. It refuses what cannot fit before reading it (the upload's size, and what its
// parts inflate to), streams the sheet row by row (Rows / Next / Columns) instead of holding every row
// at once, and commits only when the whole sheet was read: rows.Error() tells a sheet that ended early
// from one that was complete, so a broken file never leaves a half import.
package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

const (
	maxUploadBytes   = 16 << 20 // the upload itself
	maxInflatedBytes = 64 << 20 // everything its parts inflate to
)

func importOrders(c *gin.Context, store *Store) {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxUploadBytes)
	f, err := excelize.OpenReader(body, excelize.Options{UnzipSizeLimit: maxInflatedBytes, UnzipXMLSizeLimit: 4 << 20})
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": fmt.Sprintf("uploads are limited to %d MB", maxUploadBytes>>20)})
		return
	case err != nil && isUnzipLimit(err):
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": fmt.Sprintf("the workbook inflates beyond the %d MB limit", maxInflatedBytes>>20)})
		return
	case err != nil:
		c.JSON(http.StatusBadRequest, gin.H{"error": "not a readable .xlsx: " + err.Error()})
		return
	}
	defer f.Close()

	rows, err := f.Rows("Orders")
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "cannot read sheet Orders: " + err.Error()})
		return
	}
	type row struct {
		cells []string
		err   error
	}
	// a producer reads the sheet while the handler stores the rows
	stream := make(chan row)
	sheetErr := make(chan error, 1)
	go func() {
		defer rows.Close()
		for rows.Next() {
			cells, err := rows.Columns()
			stream <- row{cells, err}
		}
		close(stream)
		sheetErr <- rows.Error()
	}()
	tx := store.Begin()
	n := 0
	for r := range stream {
		n++
		if r.err != nil {
			tx.Rollback()
			c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("row %d: %v", n, r.err)})
			return
		}
		if n == 1 {
			continue // header
		}
		if err := tx.Add(n, r.cells); err != nil {
			tx.Rollback()
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
	}
	if err := <-sheetErr; err != nil { // the sheet ended early: nothing of it is committed
		tx.Rollback()
		c.JSON(http.StatusBadRequest, gin.H{"error": "the sheet is damaged: " + err.Error()})
		return
	}
	c.JSON(http.StatusCreated, gin.H{"imported": tx.Commit()})
}

// excelize reports a workbook over UnzipSizeLimit (checked from the zip's headers, before inflating).
func isUnzipLimit(err error) bool { return strings.Contains(err.Error(), "unzip size exceeds") }
