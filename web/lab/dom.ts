// Small DOM builders for the lab's panels (they build their own controls from the run's shape).
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** Shows a message under a control (empty hides it). */
export function showFieldError(element: HTMLElement, message: string): void {
  element.textContent = message;
  element.hidden = message === '';
}
