// Wrong: without the compression middleware nothing fails, and nothing is compressed either.
// The API's middleware, as in the incident: compression first, then CORS.
package main

import (
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	r.Use(cors.New(corsConfig()))
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
