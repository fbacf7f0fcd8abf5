// Wrong: the order is fixed, but AllowOriginFunc matches by prefix, so https://shop.example.evil.org and
// https://shop.example:8443 are answered as allowed origins, with credentials.
// The API's middleware. CORS comes first: a preflight is answered (204, no body) and aborted before the
// compression middleware ever wraps the writer, so no gzip writer is taken for it and nothing tries to
// write a gzip header into a response that may not have a body.
package main

import (
	"compress/gzip"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	r.Use(cors.New(corsConfig()))
	r.Use(ginzip.Gzip(gzip.DefaultCompression))
}

func corsConfig() cors.Config {
	return cors.Config{
		AllowOriginFunc: func(origin string) bool {
			for _, o := range allowedOrigins {
				if strings.HasPrefix(origin, o) {
					return true
				}
			}
			return false
		},
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type", "X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           12 * time.Hour,
	}
}
