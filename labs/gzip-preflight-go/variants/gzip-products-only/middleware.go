// Wrong: the order is fixed, but only /api/products goes through gzip, so PUT /api/cart answers are never
// compressed, even for clients that accept gzip.
// The API's middleware: CORS first, then compression, but only for the product list: that is the only large
// response, and compressing small cart answers is a waste.
package main

import (
	"compress/gzip"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	gz := ginzip.Gzip(gzip.DefaultCompression)
	r.Use(cors.New(corsConfig()))
	r.Use(func(c *gin.Context) {
		if c.Request.URL.Path == "/api/products" {
			gz(c)
			return
		}
		c.Next()
	})
}

func corsConfig() cors.Config {
	return cors.Config{
		AllowOrigins:     allowedOrigins,
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type", "X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           12 * time.Hour,
	}
}
