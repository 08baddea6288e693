@happy_path
Feature: Finalized invoices sync to QuickBooks
  Caspen pushes an invoice to the connected QuickBooks company when it is finalized. Drafts never sync.
  The QuickBooks customer is found or created once, named "Full name (Caspen #####)", and every line
  posts to Caspen's default Service or Product item.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: Finalizing an invoice syncs it
    Given a draft invoice for "Jo Citizen" with lines:
      | description     | kind    | quantity | unit price | tax rate |
      | Blocked drain   | service | 2        | $90.00     | GST      |
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has the invoice with a total of $198.00
    And the QuickBooks customer is "Jo Citizen (Caspen 00042)"

  Scenario: Drafts never sync
    Given a draft invoice for "Jo Citizen" with lines:
      | description | kind    | quantity | unit price | tax rate |
      | Inspection  | service | 1        | $120.00    | GST      |
    Then QuickBooks has no invoice for it
    And no request reached QuickBooks for the invoice
    When I add a line "Call-out fee" of 1 × $95.00 with GST
    And I change the quantity of line 1 to 2
    And I change the unit price of line 2 to $85.00
    Then no request reached QuickBooks for the invoice
    And QuickBooks has no invoice for it

  Scenario: The QuickBooks customer is created once and then reused
    Given a finalized invoice for "Jo Citizen" of $100.00 with GST
    And a finalized invoice for "Jo Citizen" of $50.00 with GST
    Then QuickBooks has 1 customer named "Jo Citizen (Caspen 00042)"
    And both invoices belong to that QuickBooks customer

  Scenario: Service and product lines post to the default items
    Given a draft invoice for "Jo Citizen" with lines:
      | description | kind    | quantity | unit price | tax rate |
      | Labour      | service | 3        | $80.00     | GST      |
      | Copper pipe | product | 4        | $12.50     | GST      |
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And in QuickBooks the service line posts to the default Service item
    And in QuickBooks the product line posts to the default Product item
