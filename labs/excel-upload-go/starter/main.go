// The back-office service: POST /imports takes an .xlsx of orders (sheet "Orders") and imports every
// row into the store, all or nothing. GET /orders/summary shows what the store holds. The import itself
// is in import.go: that is the file to look at.
package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
	kit "leakbook/kit/go"
)

func main() {
	kit.Serve(func(ctx *kit.Context) (http.Handler, func()) {
		store := NewStore()
		ctx.Gauge("orders stored", func() float64 { return float64(store.Count()) })
		r := gin.New()
		r.Use(gin.Recovery())
		r.POST("/imports", func(c *gin.Context) { importOrders(c, store) })
		r.GET("/orders/summary", func(c *gin.Context) { c.JSON(http.StatusOK, store.Summary()) })
		return r, nil
	})
}
