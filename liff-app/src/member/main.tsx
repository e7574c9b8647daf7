import { parseSchemasWithoutEval } from '@joren/shared'
import { render } from 'preact'
import '../ui/base.css'
import './member.css'
import { App } from './app.tsx'

// The mini-app's CSP allows no eval (server/src/middleware/security-headers.ts).
parseSchemasWithoutEval()

const root = document.getElementById('app')
if (root) render(<App />, root)
