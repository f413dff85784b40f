import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// `?theme=dark` / `?theme=light` overrides the system's colour scheme (screenshots, tests).
const theme = new URLSearchParams(window.location.search).get('theme');
if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;

export default mount(App, { target: document.getElementById('app')! });
