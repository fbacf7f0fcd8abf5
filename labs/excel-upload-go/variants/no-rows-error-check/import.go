// Wrong: streams with a size limit but never looks at rows.Error() after the loop, nor checks that the
// sheet XML is whole: a sheet cut short is committed as far as it could be read.
// The import handler: open the upload with limits on what it may inflate to, stream the sheet a row at a
// time into the transaction, and commit only when the whole sheet was read.
package main

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// maxUnzipped: what a workbook's parts may inflate to, in all (they are declared in the zip).
const maxUnzipped = 64 << 20

var _ = errors.Is

func tooBig(err error) bool { return strings.Contains(err.Error(), "unzip size exceeds") }

func importOrders(c *gin.Context, store *Store) {
	f, err := excelize.OpenReader(c.Request.Body, excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: 8 << 20})
	if err != nil {
		if tooBig(err) {
			c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "the workbook inflates to more than 64 MB: " + err.Error()})
			return
		}
		c.JSON(http.StatusBadRequest, gin.H{"error": "not a readable .xlsx: " + err.Error()})
		return
	}
	defer f.Close()

	rows, err := f.Rows("Orders")
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "cannot read sheet Orders: " + err.Error()})
		return
	}
	defer rows.Close()
	tx := store.Begin()
	i := 0
	for rows.Next() {
		i++
		row, err := rows.Columns()
		if err != nil {
			tx.Rollback()
			c.JSON(http.StatusBadRequest, gin.H{"error": "cannot read row " + itoa(i) + ": " + err.Error()})
			return
		}
		if i == 1 {
			continue // header
		}
		if err := tx.Add(i, row); err != nil {
			tx.Rollback()
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
	}
	n := tx.Commit()
	c.JSON(http.StatusCreated, gin.H{"imported": n})
}

func itoa(i int) string {
	var b [20]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return string(b[p:])
}
