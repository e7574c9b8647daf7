import { render } from 'preact'
import '../ui/base.css'
import './staff.css'
import { App } from './app.tsx'

const root = document.getElementById('app')
if (root) render(<App />, root)
